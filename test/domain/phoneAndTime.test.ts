import { describe, expect, it } from 'vitest';
import { estimateWaitMinutes } from '../../src/domain/eta.js';
import { maskPhone, parseAddress, toAddress } from '../../src/domain/phone.js';
import { serviceDayAt, ticketCode, waitsForNextOpenDay } from '../../src/domain/serviceDay.js';
import { canTransition, staffTransitionsFrom } from '../../src/domain/ticketStates.js';

describe('phone numbers', () => {
  it('reads SMS and WhatsApp addresses and local numbers into E.164 with the channel', () => {
    expect(parseAddress('+13125550123', 'US')).toEqual({ phone: '+13125550123', channel: 'sms' });
    expect(parseAddress('whatsapp:+13125550123', 'US')).toEqual({ phone: '+13125550123', channel: 'whatsapp' });
    expect(parseAddress('(312) 555-0123', 'US')).toEqual({ phone: '+13125550123', channel: 'sms' });
    expect(parseAddress('020 7946 0018', 'GB')).toEqual({ phone: '+442079460018', channel: 'sms' });
    expect(parseAddress('not a number', 'US')).toBeUndefined();
    // An extension is an office line, which takes no texts: not a patient's number.
    expect(parseAddress('312-555-0123 ext 12', 'US')).toBeUndefined();
    expect(parseAddress('+13125550123;ext=5', 'US')).toBeUndefined();
    expect(toAddress({ phone: '+13125550123', channel: 'whatsapp' })).toBe('whatsapp:+13125550123');
  });

  it('masks a number to its last four digits for staff', () => {
    expect(maskPhone('+13125550123')).toBe('•••• 0123');
    expect(maskPhone(null)).toBeNull();
  });
});

describe('the service day', () => {
  it("closes at the clinic's local closing time, and after it a JOIN belongs to the next day", () => {
    // 14:00 in Chicago (CST, UTC-6) on 2026-11-23.
    expect(serviceDayAt(new Date('2026-11-23T20:00:00Z'), 'America/Chicago', '20:00')).toEqual({
      day: '2026-11-23',
      closesAt: Date.parse('2026-11-24T02:00:00Z'),
      afterClosing: false,
    });
    // 21:30 in Chicago: the line that closes tomorrow at 20:00.
    expect(serviceDayAt(new Date('2026-11-24T03:30:00Z'), 'America/Chicago', '20:00')).toEqual({
      day: '2026-11-24',
      closesAt: Date.parse('2026-11-25T02:00:00Z'),
      afterClosing: true,
    });
  });

  it('follows daylight saving time', () => {
    // 2026-03-08 is the spring-forward day in Chicago: closing at 20:00 CDT is 01:00 UTC.
    expect(serviceDayAt(new Date('2026-03-08T15:00:00Z'), 'America/Chicago', '20:00:00').closesAt).toBe(Date.parse('2026-03-09T01:00:00Z'));
  });

  it("knows a waiting ticket of a later day than the clinic's today waits for the next open day, until that day comes", () => {
    // Joined at 22:52 in Chicago on 2026-11-23 (04:52 UTC on the 24th): the line of 2026-11-24.
    const joined = { state: 'waiting', serviceDay: '2026-11-24' } as const;
    expect(waitsForNextOpenDay(joined, 'America/Chicago', new Date('2026-11-24T04:52:00Z'))).toBe(true);
    expect(waitsForNextOpenDay(joined, 'America/Chicago', new Date('2026-11-24T06:10:00Z'))).toBe(false); // 00:10 on the 24th
    // Called already: it is the patient's turn, whatever the day.
    expect(waitsForNextOpenDay({ ...joined, state: 'next' }, 'America/Chicago', new Date('2026-11-24T04:52:00Z'))).toBe(false);
  });

  it('gives codes a letter that changes from day to day, never I or O', () => {
    expect(ticketCode('2026-11-23', 7)).toMatch(/^[A-HJ-NP-Z]7$/);
    expect(ticketCode('2026-11-23', 1)).not.toBe(ticketCode('2026-11-24', 1));
  });
});

describe('waits and moves', () => {
  it('estimates the wait as average × people ahead ÷ rooms open, in whole minutes rounded up', () => {
    expect(estimateWaitMinutes({ peopleAhead: 0, serviceMinutes: 10, roomsOpen: 1 })).toBe(0);
    expect(estimateWaitMinutes({ peopleAhead: 3, serviceMinutes: 10, roomsOpen: 1 })).toBe(30);
    expect(estimateWaitMinutes({ peopleAhead: 3, serviceMinutes: 7.5, roomsOpen: 2 })).toBe(12);
  });

  it('allows only the moves of the ticket state machine', () => {
    expect(staffTransitionsFrom('waiting')).toEqual(['next']);
    expect(staffTransitionsFrom('next')).toEqual(['in_room', 'no_show']);
    expect(staffTransitionsFrom('in_room')).toEqual(['done']);
    expect(staffTransitionsFrom('done')).toEqual([]);
    expect(canTransition('waiting', 'left')).toBe(true);
    expect(canTransition('in_room', 'left')).toBe(false);
    expect(canTransition('next', 'expired')).toBe(true);
    expect(canTransition('no_show', 'next')).toBe(false);
  });
});
