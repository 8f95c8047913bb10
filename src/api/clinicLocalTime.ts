/**
 * A date and time staff type in a form (`datetime-local`), read in the clinic's time zone, with the
 * two daylight-saving edges decided on purpose rather than left to luxon's guess:
 * - a time the clocks skip that day (spring forward: 02:30 on 2027-03-14 in America/Chicago) does not
 *   exist, and is refused, naming the field; luxon alone would move it an hour on, to 03:30;
 * - a time the clocks pass twice (fall back: 01:30 on 2027-11-07 in America/Chicago) is the first pass,
 *   with the earlier (summer) offset, `-05:00` there; luxon alone takes the second.
 * The earlier pass is RFC 5545 §3.3.5's reading of a repeated local time and the TC39 Temporal
 * proposal's default (`disambiguation: 'compatible'`). Zone rules are the IANA tz database's, through
 * Intl as luxon reads them.
 */
import { DateTime } from 'luxon';
import { AppError } from '../errors.js';

/** A `datetime-local` value: `YYYY-MM-DDTHH:MM`, with `:SS` when a browser adds it. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * `local` (`YYYY-MM-DDTHH:MM[:SS]`) in the IANA zone `timezone`, as an instant with its offset; a
 * repeated time is its first pass (see the module's docstring).
 * @throws AppError bad_request naming `field`: `must be a date and time (<zone>)` when `local` is no
 *   such text or no calendar date; `<HH:MM> does not exist on <YYYY-MM-DD> in <zone>: the clocks change
 *   that day` when the zone skips that time.
 */
export function readClinicLocalTime(local: string, timezone: string, field: string): DateTime {
  const parts = LOCAL_DATE_TIME.exec(local);
  const [year, month, day, hour, minute] = (parts?.slice(1, 6) ?? []).map(Number);
  const second = parts?.[6] === undefined ? 0 : Number(parts[6]);
  const at = parts === null ? undefined : DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: timezone });
  if (at?.isValid !== true) throw new AppError('bad_request', `${field}: must be a date and time (${timezone})`, field);
  // luxon moves a skipped time on by the size of the gap, so the wall clock read back differs.
  if (at.day !== day || at.hour !== hour || at.minute !== minute) {
    throw new AppError(
      'bad_request',
      `${field}: ${local.slice(11, 16)} does not exist on ${local.slice(0, 10)} in ${timezone}: the clocks change that day`,
      field,
    );
  }
  return at.getPossibleOffsets().reduce((first, candidate) => (candidate.toMillis() < first.toMillis() ? candidate : first));
}
