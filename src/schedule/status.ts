import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import type { Translate } from '../i18n/index.js';
import { englishText, renderMessage, type Message } from '../i18n/message.js';
import type { TimedPost } from './embargo.js';
import { writeOutputs } from '../write/output.js';

/** In the state directory, never in the published output: it names processes, paths and errors. */
export const STATUS_FILE = 'status.json';

export interface LastBuild {
  readonly at: string;
  readonly reason: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly posts: Record<string, number>;
  readonly feedsChanged: readonly string[];
  readonly skipped: readonly string[];
}

export interface LastError {
  readonly at: string;
  /** In English, for programs that read the file; `text` is the same, for people in their language. */
  readonly message: string;
  readonly diagnostics: readonly string[];
  readonly text?: Message;
  /** `diagnostics` as data, printed in the reader's language (absent in a file of an earlier version). */
  readonly problems?: readonly Diagnostic[];
}

/**
 * What the last build did, recorded by `nashra build` and by the daemon
 * after every build; `nashra status` prints it. `lastError` is there exactly
 * while the last build had a problem: a good build clears it.
 */
export interface SiteStatus {
  /** The daemon's process, when a daemon wrote this. */
  readonly pid?: number;
  readonly startedAt?: string;
  readonly lastBuild?: LastBuild;
  readonly lastError?: LastError;
  /** The next moment a post enters or leaves the feeds, while one is planned; gone once it has passed. */
  readonly nextPublication?: NextPublication;
  readonly nextTick?: string;
}

export interface NextPublication {
  /** The moment, in the site's time zone (ISO 8601 with that zone's offset). */
  readonly at: string;
  readonly timeZone: string;
  /** The posts that enter (`publish`) or leave (`expire`) the feeds then. */
  readonly posts: readonly PlannedChange[];
}

export interface PlannedChange {
  readonly change: 'publish' | 'expire';
  readonly path: string;
  readonly lang: string;
  readonly title: string;
}

/**
 * What the daemon plans to publish at `at` (see `nextPublicationChange`):
 * the moment in the site's time zone and every post that enters or leaves
 * the feeds then. Undefined when nothing is planned.
 */
export function nextPublicationOf(posts: readonly TimedPost[], at: Date | undefined, timeZone: string): NextPublication | undefined {
  if (!at) return undefined;
  const changes = posts.flatMap((post): PlannedChange[] => {
    if (post.draft) return [];
    const change = post.publishAt?.getTime() === at.getTime() ? 'publish' : post.expires?.getTime() === at.getTime() ? 'expire' : undefined;
    return change ? [{ change, path: post.sourcePath, lang: post.lang, title: post.title }] : [];
  });
  const local = DateTime.fromJSDate(at, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? at.toISOString();
  return { at: local, timeZone, posts: changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

export async function readStatus(stateDir: string): Promise<SiteStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, STATUS_FILE), 'utf8')) as SiteStatus;
  } catch {
    return undefined;
  }
}

export async function writeStatus(stateDir: string, status: SiteStatus): Promise<void> {
  await writeOutputs(stateDir, [{ path: STATUS_FILE, content: `${JSON.stringify(status, null, 2)}\n` }]);
}

/** A build's problem as the status file keeps it: in English for programs that read it, and as data for people. */
export function lastErrorOf(at: Date, text: Message, problems: readonly Diagnostic[]): LastError {
  return { at: at.toISOString(), message: englishText(text), diagnostics: problems.map(formatDiagnostic), text, problems };
}

/** The status for people, in the language of `t`; `format` prints a diagnostic in that language. */
export function formatStatus(status: SiteStatus, t: Translate, format: (d: Diagnostic) => string): string {
  const lines = [status.pid !== undefined ? t('status.daemon', { pid: status.pid, started: status.startedAt ?? '?' }) : t('status.byBuild')];
  const build = status.lastBuild;
  if (build) {
    const posts = Object.entries(build.posts).map(([lang, count]) => `${lang} ${count}`).join(t('cli.separator'));
    lines.push(
      t('status.lastBuild', {
        at: build.at,
        // A reason this version does not know (a newer nashra wrote the file) is shown as written.
        reason: t(`status.reason.${build.reason}`, { defaultValue: build.reason }),
        result: t(build.ok ? 'status.ok' : 'status.withErrors'),
        posts,
        changed: t('status.feedsChanged', { count: build.feedsChanged.length }),
        skipped: t('cli.skipped', { count: build.skipped.length }),
        duration: t('status.milliseconds', { ms: build.durationMs }),
      }),
    );
  } else {
    lines.push(t('status.noBuild'));
  }
  const error = status.lastError;
  if (error) {
    lines.push(t('status.lastError', { at: error.at, problem: error.text ? renderMessage(error.text, t) : error.message }));
    for (const line of error.problems ? error.problems.map(format) : error.diagnostics) lines.push(`  ${line}`);
  }
  if (status.pid !== undefined) {
    lines.push(t('status.next', { next: describeNext(status.nextPublication, t) }));
    if (status.nextTick) lines.push(t('status.nextTick', { at: status.nextTick }));
  }
  return `${lines.join('\n')}\n`;
}

/** `next` as written by this version, or by an earlier one that wrote the bare moment. */
function describeNext(next: NextPublication | string | undefined, t: Translate): string {
  if (!next) return t('status.noneScheduled');
  if (typeof next === 'string') return next;
  const posts = next.posts.map((post) => t(`status.change.${post.change}`, { path: post.path, title: post.title }));
  return [`${next.at} (${next.timeZone})`, ...posts].join('\n  ');
}
