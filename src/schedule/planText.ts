/** The publication plan as people read it (times in the site's zone, relative to now, in their language) and as machines do. */
import { DateTime } from 'luxon';
import type { Translate } from '../i18n/index.js';
import { planCounts, type PlanEntry } from './plan.js';

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** "in 3 days", "2 hours ago", in the reader's language: the largest unit that fits, rounded (the exact moment is beside it). */
export function relativeTime(moment: Date, now: Date, lang: string): string {
  const difference = moment.getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(lang, { numeric: 'always' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(difference) >= size) return format.format(Math.round(difference / size), unit);
  }
  return format.format(0, 'second');
}

/** A moment to the second in the site's time zone, with its offset: what an editor wrote in front matter. */
export function siteTime(moment: Date, timeZone: string): string {
  return DateTime.fromJSDate(moment, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
}

export function formatPlan(entries: readonly PlanEntry[], now: Date, timeZone: string, lang: string, t: Translate): string {
  const rows = entries.map(({ position, ...entry }) => {
    return [
      t(`plan.state.${entry.state}`),
      entry.moment ? siteTime(entry.moment, timeZone) : '',
      entry.moment ? relativeTime(entry.moment, now, lang) : '',
      `${entry.post.sourcePath}${position ? `:${position.line}` : ''}`,
      entry.field ?? '',
      entry.post.title,
    ];
  });
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(0, ...rows.map((row) => [...(row[column] ?? '')].length)));
  const lines = rows.map((row) => row.map((cell, column) => (column < widths.length ? cell.padEnd((widths[column] ?? 0) + cell.length - [...cell].length) : cell)).join('  ').trimEnd());
  const counts = planCounts(entries);
  const summary = t('plan.summary', {
    zone: timeZone,
    scheduled: t('plan.scheduled', { count: counts.scheduled }),
    expiring: t('plan.expiring', { count: counts.expiring }),
    drafts: t('plan.drafts', { count: counts.draft }),
    expired: t('plan.expired', { count: counts.expired }),
  });
  return `${[...lines, summary].join('\n')}\n`;
}

export function planJson({ position, ...entry }: PlanEntry): Record<string, unknown> {
  return {
    state: entry.state,
    ...(entry.moment ? { moment: entry.moment.toISOString() } : {}),
    ...(entry.field ? { field: entry.field } : {}),
    file: entry.post.sourcePath,
    ...(position ? { line: position.line } : {}),
    lang: entry.post.lang,
    title: entry.post.title,
    url: entry.post.url,
  };
}
