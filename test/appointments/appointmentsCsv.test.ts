/**
 * The spreadsheet export: the seed's columns in its order, then when a patient on a landline asked for
 * another time, local dates and times, and names with commas and quotes that come back whole when the
 * file is read as CSV again.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { appointmentsCsv } from '../../src/appointments/appointmentsCsv.js';

describe('the appointments CSV', () => {
  it('has the seed format: name,mobile,date,time_slot,doctor,specialty,followup_date in clinic time, then another_time_asked_at', () => {
    const csv = appointmentsCsv(
      [
        {
          patientName: 'Rahul Sharma',
          phone: '+919876543210',
          startsAt: new Date('2025-02-10T05:00:00Z'),
          providerName: 'Dr Mehta',
          service: 'Ortho',
          followUpDate: '2025-02-17',
          anotherTimeAskedAt: null,
        },
        {
          patientName: 'Asha Rao',
          phone: '+912212345678',
          startsAt: new Date('2025-02-10T06:00:00Z'),
          providerName: 'Dr Mehta',
          service: 'Ortho',
          followUpDate: null,
          // Asked on the call of the evening before, 18:04:05 at the clinic: staff call back.
          anotherTimeAskedAt: new Date('2025-02-09T12:34:05.678Z'),
        },
      ],
      'Asia/Kolkata',
    );
    expect(csv).toBe(
      '\uFEFFname,mobile,date,time_slot,doctor,specialty,followup_date,another_time_asked_at\r\n' +
        'Rahul Sharma,+919876543210,2025-02-10,10:30,Dr Mehta,Ortho,2025-02-17,\r\n' +
        'Asha Rao,+912212345678,2025-02-10,11:30,Dr Mehta,Ortho,,2025-02-09T18:04:05+05:30\r\n',
    );
  });

  it('keeps commas, quotes and accents in names, and leaves an unset follow-up empty', () => {
    const rows = [
      {
        patientName: 'Pérez, María "Mari"',
        phone: '+13125550123',
        startsAt: new Date('2026-11-02T15:00:00Z'),
        providerName: "Dr O'Neil, DDS",
        service: 'Cleaning',
        followUpDate: null,
        anotherTimeAskedAt: null,
      },
    ];
    const csv = appointmentsCsv(rows, 'America/Chicago');
    const records: string[][] = parse(csv, { bom: true });
    const [header, row] = records;
    expect(header).toEqual(['name', 'mobile', 'date', 'time_slot', 'doctor', 'specialty', 'followup_date', 'another_time_asked_at']);
    expect(row).toEqual(['Pérez, María "Mari"', '+13125550123', '2026-11-02', '09:00', "Dr O'Neil, DDS", 'Cleaning', '', '']);
  });

  it("writes typed text a spreadsheet would run as a formula with a leading ', and the E.164 mobile as is", () => {
    const row = (patientName: string, providerName: string, service: string) => ({
      patientName,
      phone: '+13125550123',
      startsAt: new Date('2026-11-02T15:00:00Z'),
      providerName,
      service,
      followUpDate: null,
      anotherTimeAskedAt: null,
    });
    const csv = appointmentsCsv(
      [row('=HYPERLINK("http://evil.example","x")', '@SUM(A1)', "+cmd|' /C calc'!A0"), row('-2+3', '\tDr Tab', 'Cleaning - deep')],
      'America/Chicago',
    );
    const [, first, second]: string[][] = parse(csv, { bom: true });
    expect(first).toEqual(['\'=HYPERLINK("http://evil.example","x")', '+13125550123', '2026-11-02', '09:00', "'@SUM(A1)", "'+cmd|' /C calc'!A0", '', '']);
    expect(second).toEqual(["'-2+3", '+13125550123', '2026-11-02', '09:00', "'\tDr Tab", 'Cleaning - deep', '', '']);
  });
});
