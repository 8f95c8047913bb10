import { describe, expect, it } from 'vitest';
import { readAppointmentAnswer, REMINDER_ANSWERS, SLOT_ANSWERS } from '../../src/domain/appointmentAnswers.js';
import { formatSlots } from '../../src/domain/messageValues.js';
import { openSlots } from '../../src/domain/openSlots.js';
import { nextContactInstant, planReminders } from '../../src/domain/reminderPlan.js';
import { DEFAULT_REMINDER_RULES } from '../../src/domain/reminderRules.js';

const hours = { start: '08:00', end: '20:00' };
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

describe('planning reminders', () => {
  it('plans 24 hours and 1 hour before by default', () => {
    // Wed 25 Nov 2026 15:00 in Chicago (CST, UTC-6).
    const plan = planReminders({
      startsAt: at('2026-11-25T21:00:00Z'),
      timezone: 'America/Chicago',
      rules: DEFAULT_REMINDER_RULES,
      contactHours: hours,
      now: at('2026-11-20T12:00:00Z'),
    });
    expect(iso(plan)).toEqual(['2026-11-24T21:00:00.000Z', '2026-11-25T20:00:00.000Z']);
  });

  it('skips a reminder whose time passed when the chain is planned', () => {
    const plan = planReminders({
      startsAt: at('2026-11-25T21:00:00Z'),
      timezone: 'America/Chicago',
      rules: DEFAULT_REMINDER_RULES,
      contactHours: hours,
      now: at('2026-11-25T10:00:00Z'),
    });
    expect(iso(plan)).toEqual(['2026-11-25T20:00:00.000Z']);
  });

  it('moves a reminder outside contact hours to the next window, and drops one that would land after the start', () => {
    // 09:00 CST appointment: 24 h before is 09:00 the day before (kept); 1 h before is 08:00 (kept);
    // a day-before-at-06:00 rule moves to 08:00 that day.
    const startsAt = at('2026-11-25T15:00:00Z');
    const now = at('2026-11-20T12:00:00Z');
    expect(iso(planReminders({ startsAt, timezone: 'America/Chicago', rules: [{ kind: 'day_before_at', time: '06:00' }], contactHours: hours, now }))).toEqual([
      '2026-11-24T14:00:00.000Z',
    ]);
    // 08:30 appointment with a 2-hour reminder at 06:30: the window opens at 08:00, before the start.
    expect(
      iso(
        planReminders({
          startsAt: at('2026-11-25T14:30:00Z'),
          timezone: 'America/Chicago',
          rules: [{ kind: 'before', minutes: 120 }],
          contactHours: hours,
          now,
        }),
      ),
    ).toEqual(['2026-11-25T14:00:00.000Z']);
    // 07:30 appointment: 1 h before is 06:30, and the window opens after the start: dropped.
    expect(
      planReminders({ startsAt: at('2026-11-25T13:30:00Z'), timezone: 'America/Chicago', rules: [{ kind: 'before', minutes: 60 }], contactHours: hours, now }),
    ).toEqual([]);
    // 21:30 the evening before: moved to 08:00 next morning.
    expect(
      iso(
        planReminders({
          startsAt: at('2026-11-25T16:00:00Z'),
          timezone: 'America/Chicago',
          rules: [{ kind: 'before', minutes: 750 }],
          contactHours: hours,
          now,
        }),
      ),
    ).toEqual(['2026-11-25T14:00:00.000Z']);
  });

  it('collapses rules that land on the same instant', () => {
    const plan = planReminders({
      startsAt: at('2026-11-25T16:00:00Z'), // 10:00 CST
      timezone: 'America/Chicago',
      rules: [
        { kind: 'before', minutes: 1440 },
        { kind: 'day_before_at', time: '10:00' },
        { kind: 'before', minutes: 1440 },
      ],
      contactHours: hours,
      now: at('2026-11-20T12:00:00Z'),
    });
    expect(iso(plan)).toEqual(['2026-11-24T16:00:00.000Z']);
  });

  it('keeps local times right across the end of daylight saving time in Chicago (2026-11-01)', () => {
    // Sun 1 Nov 2026 10:00 CST (UTC-6); the day before is still CDT (UTC-5).
    const plan = planReminders({
      startsAt: at('2026-11-01T16:00:00Z'),
      timezone: 'America/Chicago',
      rules: [...DEFAULT_REMINDER_RULES, { kind: 'day_before_at', time: '10:00' }],
      contactHours: hours,
      now: at('2026-10-20T12:00:00Z'),
    });
    // Day before at 10:00 CDT = 15:00Z; 24 elapsed hours before = 16:00Z (11:00 CDT); 1 h before = 09:00 CST.
    expect(iso(plan)).toEqual(['2026-10-31T15:00:00.000Z', '2026-10-31T16:00:00.000Z', '2026-11-01T15:00:00.000Z']);
  });

  it('finds the next contact window and refuses malformed hours', () => {
    expect(new Date(nextContactInstant(at('2026-11-24T12:00:00Z'), 'America/Chicago', hours)).toISOString()).toBe('2026-11-24T14:00:00.000Z');
    expect(nextContactInstant(at('2026-11-24T20:00:00Z'), 'America/Chicago', hours)).toBe(at('2026-11-24T20:00:00Z'));
    expect(() => nextContactInstant(0, 'UTC', { start: '20:00', end: '08:00' })).toThrow(RangeError);
    expect(() => nextContactInstant(0, 'UTC', { start: '8am', end: '20:00' })).toThrow(RangeError);
  });
});

describe('open slots', () => {
  const base = {
    officeDays: [1, 2, 3, 4, 5],
    opens: '09:00',
    closes: '17:00',
    slotMinutes: 60,
    durationMinutes: 30,
    timezone: 'America/Chicago',
  };

  it('lists office-hour slots after now, minus booked appointments, up to five', () => {
    const slots = openSlots({
      ...base,
      // Fri 27 Nov 2026 14:20 CST.
      now: at('2026-11-27T20:20:00Z'),
      booked: [{ startsAt: at('2026-11-27T20:45:00Z'), endsAt: at('2026-11-27T22:30:00Z') }], // 14:45–16:30 blocks 15:00 and 16:00
    });
    expect(iso(slots)).toEqual([
      // Mon 30 Nov 09:00–12:00 CST; the weekend is closed.
      '2026-11-30T15:00:00.000Z',
      '2026-11-30T16:00:00.000Z',
      '2026-11-30T17:00:00.000Z',
      '2026-11-30T18:00:00.000Z',
      '2026-11-30T19:00:00.000Z',
    ]);
  });

  it('fits the appointment before closing and honours the limit', () => {
    const slots = openSlots({ ...base, durationMinutes: 90, now: at('2026-11-30T21:00:00Z'), booked: [], limit: 2 });
    // 15:00 CST is past; 16:00 + 90 min ends after 17:00: the next day.
    expect(iso(slots)).toEqual(['2026-12-01T15:00:00.000Z', '2026-12-01T16:00:00.000Z']);
  });

  it('offers no time less than an hour away, which the patient could not reach', () => {
    // Mon 30 Nov 2026 14:20 CST: 15:00 is 40 minutes away; 16:00 is the first time offered, then Tuesday's 09:00.
    const slots = openSlots({ ...base, now: at('2026-11-30T20:20:00Z'), booked: [], limit: 2 });
    expect(iso(slots)).toEqual(['2026-11-30T22:00:00.000Z', '2026-12-01T15:00:00.000Z']);
    // At 14:00, 15:00 is an hour away: offered.
    expect(iso(openSlots({ ...base, now: at('2026-11-30T20:00:00Z'), booked: [], limit: 1 }))).toEqual(['2026-11-30T21:00:00.000Z']);
  });

  it("writes the list in the patient's language as the clinic's country writes it, each day's times under its date", () => {
    const slots = [at('2026-11-10T16:00:00Z'), at('2026-11-12T21:30:00Z')];
    const list = (language: string) =>
      formatSlots(
        slots.map((slot) => new Date(slot)),
        'America/Chicago',
        language,
      );
    expect(list('en-US')).toBe('Tue, Nov 10\n1) 10:00 AM\nThu, Nov 12\n2) 3:30 PM');
    expect(list('es-US')).toBe('mar, 10 de nov\n1) 10:00 a.m.\njue, 12 de nov\n2) 3:30 p.m.');
    expect(list('es-ES')).toBe('mar, 10 nov\n1) 10:00\njue, 12 nov\n2) 15:30');
  });
});

describe('appointment answers', () => {
  it('reads confirm, cancel, reschedule and picks', () => {
    for (const a of ['YES', 'CONFIRM', 'SI']) expect(readAppointmentAnswer(a)).toBe('confirm');
    for (const a of ['NO', 'CANCEL']) expect(readAppointmentAnswer(a)).toBe('cancel');
    for (const a of ['CHANGE', 'RESCHEDULE', 'CAMBIAR']) expect(readAppointmentAnswer(a)).toBe('reschedule');
    expect(readAppointmentAnswer('2')).toEqual({ pick: 2 });
    expect(readAppointmentAnswer('6')).toBeNull();
    expect(readAppointmentAnswer('0')).toBeNull();
    expect(readAppointmentAnswer('MAYBE')).toBeNull();
    expect(REMINDER_ANSWERS.every((a) => readAppointmentAnswer(a) !== null)).toBe(true);
    expect(SLOT_ANSWERS).toEqual(['1', '2', '3', '4', '5']);
  });
});
