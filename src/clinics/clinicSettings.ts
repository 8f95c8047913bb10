/**
 * A clinic's settings: the walk-in line's (closing time, reminder delay, rooms open) and the
 * appointment reminders' (office phone, contact hours, office hours and slot length, default
 * language, CANCEL as an opt-out word, reminder rules), the countries whose texts are answered, and
 * how long patient data is kept.
 * Read whole, changed in part.
 */
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { ZReminderRules, type TReminderRule } from '../domain/reminderRules.js';

/** Every setting of a clinic. Times of day are local `HH:MM`; durations are minutes; weekdays ISO (1 Monday … 7 Sunday). */
export interface ClinicSettings {
  slug: string;
  name: string;
  timezone: string;
  roomsOpen: number;
  /** When the walk-in line closes each day. */
  closingTime: string;
  /** Minutes a called ticket waits before its "we are calling you" reminder. */
  nextReminderMinutes: number;
  /** The number patients call (E.164), or null. */
  officePhone: string | null;
  /** No business-initiated message goes out before this time … */
  contactHoursStart: string;
  /** … nor from this time on. */
  contactHoursEnd: string;
  /** Days the office takes appointments, ascending. */
  officeDays: number[];
  officeOpens: string;
  officeCloses: string;
  /** Length of an open slot offered for rescheduling. */
  slotMinutes: number;
  /** Language of patients who have not chosen one. */
  defaultLanguage: string;
  /** The country local phone numbers are read in (ISO 3166-1 alpha-2). */
  defaultCountry: string;
  /** Whether CANCEL opts a number out (Twilio's default opt-out words are on for the clinic's number). */
  cancelIsOptOut: boolean;
  /** When an appointment's reminders go out (see reminderRules.ts). */
  reminderRules: TReminderRule[];
  /** Minutes before an unanswered reminder call is tried once more. */
  callRetryMinutes: number;
  /** Waitlist patients offered a freed slot at once (BATCH_SIZE for the main clinic at first). */
  offerBatchSize: number;
  /** Minutes an offer holds before it expires and the next batch goes out (HOLD_MINUTES). */
  offerHoldMinutes: number;
  /** Offers a patient may get in one clinic day (MAX_OFFERS_PER_DAY). */
  maxOffersPerDay: number;
  /** A slot starting within this many minutes is no longer offered: its offer workflow ends `expired`. */
  offerLeadMinutes: number;
  /**
   * Countries (ISO 3166-1 alpha-2) whose numbers get replies to their texts; others are logged and
   * counted, never answered (SMS pumping). Stored null: `[defaultCountry]`, following that setting.
   */
  inboundCountries: string[];
  /** Days message bodies and patients' phone numbers are kept before the retention schedule purges them. */
  retentionDays: number;
}

/**
 * The settings staff may change (`PATCH /api/clinic`); rooms open has its own route. A new time zone
 * applies to tickets and appointments from then on: a running appointment chain keeps the zone it was
 * booked with.
 */
export type ClinicSettingsPatch = Partial<
  Pick<
    ClinicSettings,
    | 'timezone'
    | 'closingTime'
    | 'nextReminderMinutes'
    | 'officePhone'
    | 'contactHoursStart'
    | 'contactHoursEnd'
    | 'officeDays'
    | 'officeOpens'
    | 'officeCloses'
    | 'slotMinutes'
    | 'defaultLanguage'
    | 'defaultCountry'
    | 'cancelIsOptOut'
    | 'reminderRules'
    | 'callRetryMinutes'
    | 'offerBatchSize'
    | 'offerHoldMinutes'
    | 'maxOffersPerDay'
    | 'offerLeadMinutes'
    | 'retentionDays'
  >
> & {
  /** null: back to the default (the clinic's `defaultCountry` only). */
  inboundCountries?: string[] | null;
};

/** Column of each patchable setting, which is also how the API names it. */
const COLUMNS = {
  timezone: 'timezone',
  closingTime: 'closing_time',
  nextReminderMinutes: 'next_reminder_minutes',
  officePhone: 'office_phone',
  contactHoursStart: 'contact_hours_start',
  contactHoursEnd: 'contact_hours_end',
  officeDays: 'office_days',
  officeOpens: 'office_opens',
  officeCloses: 'office_closes',
  slotMinutes: 'slot_minutes',
  defaultLanguage: 'default_language',
  defaultCountry: 'default_country',
  cancelIsOptOut: 'cancel_is_opt_out',
  reminderRules: 'reminder_rules',
  callRetryMinutes: 'call_retry_minutes',
  offerBatchSize: 'offer_batch_size',
  offerHoldMinutes: 'offer_hold_minutes',
  maxOffersPerDay: 'max_offers_per_day',
  offerLeadMinutes: 'offer_lead_minutes',
  inboundCountries: 'inbound_countries',
  retentionDays: 'retention_days',
} as const satisfies Record<keyof ClinicSettingsPatch, string>;

const selectSettings = (sql: Sql | TransactionSql) => sql`
  select slug, name, timezone, rooms_open, to_char(closing_time, 'HH24:MI') as closing_time, next_reminder_minutes, office_phone,
         to_char(contact_hours_start, 'HH24:MI') as contact_hours_start, to_char(contact_hours_end, 'HH24:MI') as contact_hours_end,
         office_days::int[] as office_days, to_char(office_opens, 'HH24:MI') as office_opens, to_char(office_closes, 'HH24:MI') as office_closes,
         slot_minutes, default_language, default_country, cancel_is_opt_out, reminder_rules, call_retry_minutes,
         offer_batch_size, offer_hold_minutes, max_offers_per_day, offer_lead_minutes,
         coalesce(inbound_countries, array[default_country]) as inbound_countries, retention_days
  from clinics`;

function toSettings(row: Record<string, unknown>): ClinicSettings {
  return {
    slug: row.slug as string,
    name: row.name as string,
    timezone: row.timezone as string,
    roomsOpen: row.rooms_open as number,
    closingTime: row.closing_time as string,
    nextReminderMinutes: row.next_reminder_minutes as number,
    officePhone: row.office_phone as string | null,
    contactHoursStart: row.contact_hours_start as string,
    contactHoursEnd: row.contact_hours_end as string,
    officeDays: row.office_days as number[],
    officeOpens: row.office_opens as string,
    officeCloses: row.office_closes as string,
    slotMinutes: row.slot_minutes as number,
    defaultLanguage: row.default_language as string,
    defaultCountry: row.default_country as string,
    cancelIsOptOut: row.cancel_is_opt_out as boolean,
    reminderRules: ZReminderRules.parse(row.reminder_rules),
    callRetryMinutes: row.call_retry_minutes as number,
    offerBatchSize: row.offer_batch_size as number,
    offerHoldMinutes: row.offer_hold_minutes as number,
    maxOffersPerDay: row.max_offers_per_day as number,
    offerLeadMinutes: row.offer_lead_minutes as number,
    inboundCountries: row.inbound_countries as string[],
    retentionDays: row.retention_days as number,
  };
}

/** Clinic `clinicId`'s settings. @throws AppError not_found when there is no such clinic. */
export async function getClinicSettings(sql: Sql, clinicId: number): Promise<ClinicSettings> {
  const [row] = await sql`${selectSettings(sql)} where id = ${clinicId}`;
  if (row === undefined) throw new AppError('not_found', `no clinic ${clinicId}`, 'clinic');
  return toSettings(row);
}

/** A setting that must come before another, and the name of each as the API writes it. */
const ORDERED_PAIRS = [
  ['contactHoursStart', 'contactHoursEnd'],
  ['officeOpens', 'officeCloses'],
] as const;

/**
 * Changes the settings in `patch` (each already valid on its own, as the API's schema checks) and
 * leaves the others; office days are stored ascending. The pairs are checked together with the stored
 * values: contact hours and office hours must start before they end. All or nothing.
 * @returns the settings after the change.
 * @throws AppError bad_request naming the setting of a pair that ends before it starts (the one in
 *   `patch`, the end when both are), not_found when there is no such clinic.
 */
export async function updateClinicSettings(sql: Sql, clinicId: number, patch: ClinicSettingsPatch): Promise<ClinicSettings> {
  return sql.begin(async (tx) => {
    const [row] = await tx`${selectSettings(tx)} where id = ${clinicId} for update`;
    if (row === undefined) throw new AppError('not_found', `no clinic ${clinicId}`, 'clinic');
    const given = (Object.entries(patch) as [keyof ClinicSettingsPatch, unknown][]).filter(([, value]) => value !== undefined);
    const merged: ClinicSettings = { ...toSettings(row), ...Object.fromEntries(given) };
    for (const [first, second] of ORDERED_PAIRS) {
      if (merged[first] < merged[second]) continue;
      const blamed = patch[second] !== undefined ? second : first;
      const message = blamed === second ? `must be after ${COLUMNS[first]} (${merged[first]})` : `must be before ${COLUMNS[second]} (${merged[second]})`;
      throw new AppError('bad_request', `${COLUMNS[blamed]}: ${message}`, COLUMNS[blamed]);
    }
    const values: Record<string, unknown> = {};
    for (const [key, value] of given) {
      if (key === 'officeDays') values[COLUMNS[key]] = [...new Set(value as number[])].sort((a, b) => a - b);
      else if (key === 'reminderRules') values[COLUMNS[key]] = tx.json(value as TReminderRule[]);
      else if (key === 'inboundCountries') values[COLUMNS[key]] = value === null ? null : tx.array([...new Set(value as string[])].sort());
      else values[COLUMNS[key]] = value;
    }
    if (Object.keys(values).length > 0) await tx`update clinics set ${tx(values)} where id = ${clinicId}`;
    const [updated] = await tx`${selectSettings(tx)} where id = ${clinicId}`;
    return toSettings(updated!);
  });
}
