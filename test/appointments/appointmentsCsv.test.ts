/**
 * The spreadsheet export: the seed's exact columns, local dates and times, and names with commas and
 * quotes that come back whole when the file is read as CSV again.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { appointmentsCsv } from '../../src/appointments/appointmentsCsv.js';

describe('the appointments CSV', () => {
  it('has the seed format: name,mobile,date,time_slot,doctor,specialty,followup_date in clinic time', () => {
    const csv = appointmentsCsv(
      [
        {
          patientName: 'Rahul Sharma',
          phone: '+919876543210',
          startsAt: new Date('2025-02-10T05:00:00Z'),
          providerName: 'Dr Mehta',
          service: 'Ortho',
          followUpDate: '2025-02-17',
        },
      ],
      'Asia/Kolkata',
    );
    expect(csv).toBe(
      '\uFEFFname,mobile,date,time_slot,doctor,specialty,followup_date\r\nRahul Sharma,+919876543210,2025-02-10,10:30,Dr Mehta,Ortho,2025-02-17\r\n',
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
      },
    ];
    const csv = appointmentsCsv(rows, 'America/Chicago');
    const records: string[][] = parse(csv, { bom: true });
    const [header, row] = records;
    expect(header).toEqual(['name', 'mobile', 'date', 'time_slot', 'doctor', 'specialty', 'followup_date']);
    expect(row).toEqual(['Pérez, María "Mari"', '+13125550123', '2026-11-02', '09:00', "Dr O'Neil, DDS", 'Cleaning', '']);
  });

  it("writes typed text a spreadsheet would run as a formula with a leading ', and the E.164 mobile as is", () => {
    const row = (patientName: string, providerName: string, service: string) => ({
      patientName,
      phone: '+13125550123',
      startsAt: new Date('2026-11-02T15:00:00Z'),
      providerName,
      service,
      followUpDate: null,
    });
    const csv = appointmentsCsv(
      [row('=HYPERLINK("http://evil.example","x")', '@SUM(A1)', "+cmd|' /C calc'!A0"), row('-2+3', '\tDr Tab', 'Cleaning - deep')],
      'America/Chicago',
    );
    const [, first, second]: string[][] = parse(csv, { bom: true });
    expect(first).toEqual(['\'=HYPERLINK("http://evil.example","x")', '+13125550123', '2026-11-02', '09:00', "'@SUM(A1)", "'+cmd|' /C calc'!A0", '']);
    expect(second).toEqual(["'-2+3", '+13125550123', '2026-11-02', '09:00', "'\tDr Tab", 'Cleaning - deep', '']);
  });
});
