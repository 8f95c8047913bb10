/**
 * A clinic's reminder schedule: the rules that place an appointment's reminders, stored as JSON in
 * `clinics.reminder_rules` and read and written through `ZReminderRules`.
 *
 * - `{ "kind": "before", "minutes": 1440 }`: 1440 minutes (24 hours) before the appointment starts.
 * - `{ "kind": "day_before_at", "time": "10:00" }`: at 10:00 clinic time on the local day before.
 */
import { z } from 'zod';
import { ZClockTime } from './clockTime.js';

/** Longest lead of a `before` rule, in minutes (14 days). */
export const MAX_REMINDER_LEAD_MINUTES = 14 * 24 * 60;
/** Most rules a clinic may have (the `clinics.reminder_rules` check in db/migrations). */
export const MAX_REMINDER_RULES = 10;

const LEAD_MESSAGE = `must be a whole number of minutes from 1 to ${MAX_REMINDER_LEAD_MINUTES}`;

/** One reminder rule (see the module docstring). */
export const ZReminderRule = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('before'),
      minutes: z.int({ error: LEAD_MESSAGE }).min(1, LEAD_MESSAGE).max(MAX_REMINDER_LEAD_MINUTES, LEAD_MESSAGE),
    }),
    z.strictObject({ kind: z.literal('day_before_at'), time: ZClockTime }),
  ],
  { error: 'must be {"kind":"before","minutes":…} or {"kind":"day_before_at","time":"HH:MM"}' },
);

/** A clinic's reminder rules, at most `MAX_REMINDER_RULES`; an empty list sends no reminders. */
export const ZReminderRules = z.array(ZReminderRule).max(MAX_REMINDER_RULES, `must have at most ${MAX_REMINDER_RULES} rules`);

/** One reminder rule. */
export type TReminderRule = z.infer<typeof ZReminderRule>;

/** The schedule of a new clinic: 24 hours and 1 hour before (the column default in db/migrations). */
export const DEFAULT_REMINDER_RULES: readonly TReminderRule[] = [
  { kind: 'before', minutes: 24 * 60 },
  { kind: 'before', minutes: 60 },
];
