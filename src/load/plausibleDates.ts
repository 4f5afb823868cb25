import { diagnostic, type Diagnostic, type Severity } from '../diagnostics.js';
import { message, type Message } from '../i18n/message.js';
import type { Post, WrittenDate } from '../model.js';

/** Before this year a news date is almost surely a typo (`0099` for `2099`, `1026` for `2026`). */
const EARLIEST_PLAUSIBLE_YEAR = 1900;
/** A date further ahead of the build than this is almost surely a typo (`2062` for `2026`). */
const PLAUSIBLE_YEARS_AHEAD = 10;
/** RFC 3339 (Atom, JSON Feed) and RFC 822 (RSS) dates have four-digit years. */
const LATEST_WRITABLE_YEAR = 9999;

export interface DateProblem {
  readonly written: WrittenDate;
  readonly severity: Severity;
  readonly text: Message;
}

/**
 * What can be said of a post's dates without a clock: a date no feed can
 * write (an error: the post is skipped) or one before 1900 (a warning: the
 * post is published with it, as written).
 */
export function datesOutOfRange(dates: readonly WrittenDate[]): DateProblem[] {
  return dates.flatMap((written): DateProblem[] => {
    const year = written.date.getUTCFullYear();
    if (year < 0 || year > LATEST_WRITABLE_YEAR) {
      // Said in UTC: 0000-01-01 in a zone east of it is an instant of the year -1, which the written year alone does not show.
      const key = year < 0 ? 'diagnostics.date.beforeYearZero' : 'diagnostics.date.outOfRange';
      return [{ written, severity: 'error', text: message(key, { field: written.field, text: written.text, utc: written.date.toISOString() }) }];
    }
    if (year < EARLIEST_PLAUSIBLE_YEAR) {
      return [{ written, severity: 'warning', text: message('diagnostics.date.tooEarly', { field: written.field, text: written.text, year: EARLIEST_PLAUSIBLE_YEAR }) }];
    }
    return [];
  });
}

/**
 * The first moment from `now` at which `date` is no longer more than ten
 * years after the clock (see `farFutureDates`), to the millisecond; undefined
 * when it is not far ahead at `now`. Found by bisection: calendar years make
 * the horizon uneven around leap days.
 */
export function farAheadUntil(date: Date, now: Date): Date | undefined {
  if (!isFarAhead(date, now)) return undefined;
  let far = now.getTime();
  let near = date.getTime();
  while (near - far > 1) {
    const middle = Math.floor((far + near) / 2);
    if (isFarAhead(date, new Date(middle))) far = middle;
    else near = middle;
  }
  return new Date(near);
}

function isFarAhead(date: Date, now: Date): boolean {
  const horizon = new Date(now);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + PLAUSIBLE_YEARS_AHEAD);
  return date > horizon;
}

/** Warnings for dates more than ten years after `now`, the build's clock: probably typos that would hold or date a post far ahead. */
export function farFutureDates(posts: readonly Post[], now: Date): Diagnostic[] {
  return posts.flatMap((post) =>
    (post.writtenDates ?? [])
      .filter(({ date }) => isFarAhead(date, now))
      .map(({ field, text, position }) => {
        const years = message('diagnostics.count.years', { count: PLAUSIBLE_YEARS_AHEAD });
        return diagnostic(post.sourcePath, position, 'warning', field, message('diagnostics.date.farAhead', { field, text, years, today: now.toISOString().slice(0, 10) }));
      }),
  );
}
