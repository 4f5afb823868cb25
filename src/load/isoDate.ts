/**
 * Dates as editors and other tools write them: ISO 8601, with or without a
 * time or an offset. A module of its own, so that reading `--now` loads
 * neither the front-matter schema nor the HTML parser its fields use.
 */
import { DateTime } from 'luxon';
import { detached } from '../text.js';

// Jekyll writes `2026-03-04 10:00:00 +0300`: a space before the offset is read too. An offset's hours are 00-23 and
// its minutes 00-59 (RFC 3339's time-numoffset): `+25:00` or `+9999` is a typo, not an instant to read.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?( ?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?))?)?$/i;

/** Reads an ISO 8601 date or date-time; without an offset it is local time in `timeZone`. */
export function parseIsoDate(value: string, timeZone: string): Date | undefined {
  const trimmed = value.trim();
  const key = `${timeZone}\u0000${trimmed}`;
  let time = instantsRead.get(key);
  if (time === undefined && !instantsRead.has(key)) {
    time = instantOf(trimmed, timeZone);
    if (instantsRead.size >= MAX_INSTANTS_KEPT) instantsRead.clear();
    // A copy: the text is cut from its post file, which the memo would otherwise keep whole.
    instantsRead.set(detached(key), time);
  }
  return time === undefined ? undefined : new Date(time);
}

/**
 * Dates already read, by time zone and text, as milliseconds (undefined: not
 * a date). A translation carries its original's dates, and reading a date
 * without an offset asks Intl for the zone's offset, which is slow.
 */
const instantsRead = new Map<string, number | undefined>();
/** Plenty for any archive; a daemon that meets more starts again rather than grow without end. */
const MAX_INSTANTS_KEPT = 100_000;

function instantOf(trimmed: string, timeZone: string): number | undefined {
  if (!ISO_DATE.test(trimmed)) return undefined;
  // A written offset fixes the instant whatever the zone; reading it in UTC spares the look-up of the zone's offset.
  const zone = HAS_OFFSET.test(trimmed) ? 'utc' : timeZone;
  const parsed = DateTime.fromISO(trimmed.replace(' ', 'T').replace(/ (?=[Zz+-])/, ''), { zone, setZone: false });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** The end of an ISO_DATE whose time carries its offset (a date alone has none: `-14` in 2026-03-14 is its day). */
const HAS_OFFSET = /\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)? ?(Z|[+-]\d{2}(:?\d{2})?)$/i;
