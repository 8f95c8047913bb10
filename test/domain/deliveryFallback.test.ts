/**
 * The fallback rules of an appointment message by delivery receipt (src/domain/deliveryFallback.ts),
 * one row per receipt a clinic will meet.
 */
import { describe, expect, it } from 'vitest';
import { firstChannel, isFinalStatus, nextAttempt, type AttemptMade } from '../../src/domain/deliveryFallback.js';

const reminder = (channel: AttemptMade['channel'], calls = 0): AttemptMade => ({ kind: 'reminder', channel, calls });

describe('the next attempt after a receipt', () => {
  it.each([
    ['WhatsApp failed', reminder('whatsapp'), { status: 'failed', errorCode: null }, 'sms'],
    ['WhatsApp undelivered', reminder('whatsapp'), { status: 'undelivered', errorCode: null }, 'sms'],
    ['WhatsApp outside the window (63016)', reminder('whatsapp'), { status: 'failed', errorCode: 63016 }, 'sms'],
    ['not a WhatsApp number (63003)', reminder('whatsapp'), { status: 'undelivered', errorCode: 63003 }, 'sms'],
    ['not on WhatsApp (63024)', reminder('whatsapp'), { status: 'failed', errorCode: 63024 }, 'sms'],
    ['WhatsApp delivered', reminder('whatsapp'), { status: 'delivered', errorCode: null }, null],
    ['WhatsApp read', reminder('whatsapp'), { status: 'read', errorCode: null }, null],
    ['SMS to a landline (30006)', reminder('sms'), { status: 'undelivered', errorCode: 30006 }, 'voice'],
    ['SMS undelivered otherwise (30003)', reminder('sms'), { status: 'undelivered', errorCode: 30003 }, null],
    ['SMS delivered', reminder('sms'), { status: 'delivered', errorCode: null }, null],
    ['a first call not answered', reminder('voice', 1), { status: 'no-answer', errorCode: null }, 'voice'],
    ['a first call busy', reminder('voice', 1), { status: 'busy', errorCode: null }, 'voice'],
    ['a first call failed', reminder('voice', 1), { status: 'failed', errorCode: null }, 'voice'],
    ['a second call not answered', reminder('voice', 2), { status: 'no-answer', errorCode: null }, 'sms'],
    ['a call answered', reminder('voice', 1), { status: 'completed', errorCode: null }, null],
    ['a first call refused outright (21215)', reminder('voice', 0), { status: 'refused', errorCode: 21215 }, 'sms'],
    ['a second call refused outright', reminder('voice', 1), { status: 'refused', errorCode: null }, 'sms'],
  ] as const)('%s → %s', (_, made, receipt, channel) => {
    expect(nextAttempt(made, receipt)?.channel ?? null).toBe(channel);
  });

  it('waits the clinic delay before a second call, and asks for a mobile for the text after two calls', () => {
    expect(nextAttempt(reminder('voice', 1), { status: 'busy', errorCode: null })).toMatchObject({ delayed: true, requireMobile: false });
    expect(nextAttempt(reminder('voice', 2), { status: 'busy', errorCode: null })).toMatchObject({
      delayed: false,
      requireMobile: true,
      reason: 'the calls were not answered (busy): sent by SMS',
    });
  });

  it('texts a refused call at once, and only to a mobile', () => {
    expect(nextAttempt(reminder('voice', 0), { status: 'refused', errorCode: 21217 })).toEqual({
      channel: 'sms',
      delayed: false,
      requireMobile: true,
      reason: 'the call was refused (21217): sent by SMS',
    });
  });

  it('texts a call Twilio never placed at once, first or second, and only to a mobile', () => {
    for (const calls of [0, 1]) {
      expect(nextAttempt(reminder('voice', calls), { status: 'unplaced', errorCode: null })).toEqual({
        channel: 'sms',
        delayed: false,
        requireMobile: true,
        reason: 'the call was not placed (Twilio took none of its tries): sent by SMS',
      });
    }
  });

  it('does nothing more without a receipt, and calls only about reminders', () => {
    expect(nextAttempt(reminder('whatsapp'), null)).toBeNull();
    expect(nextAttempt({ kind: 'booking_confirmation', channel: 'sms', calls: 0 }, { status: 'undelivered', errorCode: 30006 })).toBeNull();
    expect(nextAttempt({ kind: 'confirmed', channel: 'whatsapp', calls: 0 }, { status: 'failed', errorCode: 63016 })?.channel).toBe('sms');
  });
});

describe('channels and statuses', () => {
  it("sends a voice appointment's other messages by SMS", () => {
    expect(firstChannel('voice', 'reminder')).toBe('voice');
    expect(firstChannel('voice', 'booking_confirmation')).toBe('sms');
    expect(firstChannel('whatsapp', 'booking_confirmation')).toBe('whatsapp');
  });

  it('knows which statuses are final', () => {
    expect(['delivered', 'read', 'undelivered', 'failed', 'canceled'].every((s) => isFinalStatus('sms', s))).toBe(true);
    expect(['queued', 'sent', 'sending'].some((s) => isFinalStatus('whatsapp', s))).toBe(false);
    expect(['completed', 'busy', 'no-answer', 'failed', 'canceled'].every((s) => isFinalStatus('voice', s))).toBe(true);
    expect(['ringing', 'in-progress'].some((s) => isFinalStatus('voice', s))).toBe(false);
  });
});
