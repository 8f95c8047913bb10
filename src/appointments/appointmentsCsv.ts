/**
 * The appointments spreadsheet clinics keep (the WhatsApp reminder seed's format): exactly the
 * columns `name,mobile,date,time_slot,doctor,specialty,followup_date`, one row per appointment, e.g.
 * `Rahul Sharma,+919876543210,2025-02-10,10:30,Dr Mehta,Ortho,2025-02-17`. Numbers are E.164, `date`
 * (`YYYY-MM-DD`) and `time_slot` (`HH:MM`, 24-hour) are in the clinic's time zone, `specialty` is the
 * appointment's service. Written with csv-stringify (RFC 4180 quoting), so commas, quotes and line
 * breaks in names survive a round trip through a spreadsheet. Text staff typed (name, doctor, specialty)
 * that a spreadsheet would run as a formula, starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return, is written with a leading `'` (OWASP, "CSV Injection"); `mobile` is E.164 and stays as is.
 * The file starts with a UTF-8 byte-order mark, so Excel reads `María` as written.
 */
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';

/** The header row, in order. */
export const APPOINTMENTS_CSV_COLUMNS = ['name', 'mobile', 'date', 'time_slot', 'doctor', 'specialty', 'followup_date'] as const;

/** One appointment as the spreadsheet needs it. */
export interface AppointmentCsvRow {
  patientName: string;
  /** E.164. */
  phone: string;
  startsAt: Date;
  providerName: string;
  service: string;
  /** `YYYY-MM-DD`, or null when none is set. */
  followUpDate: string | null;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `text` as a spreadsheet shows it rather than runs it. */
const asText = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

/** The CSV text (a byte-order mark, the header first, CRLF line ends as RFC 4180 has them) of `rows`, dates and times in `timezone` (IANA). */
export function appointmentsCsv(rows: readonly AppointmentCsvRow[], timezone: string): string {
  return stringify(
    rows.map((row) => {
      const local = DateTime.fromJSDate(row.startsAt, { zone: timezone });
      return [
        asText(row.patientName),
        row.phone,
        local.toFormat('yyyy-MM-dd'),
        local.toFormat('HH:mm'),
        asText(row.providerName),
        asText(row.service),
        row.followUpDate ?? '',
      ];
    }),
    { header: true, columns: [...APPOINTMENTS_CSV_COLUMNS], record_delimiter: 'windows', bom: true },
  );
}
