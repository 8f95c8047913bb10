/**
 * A receptionist offers freed slots from the Cancellations page: signed in, forms from the page only;
 * a logged slot starts its offer workflow and shows its offers with masked numbers, their holds and a
 * link to the run in the Temporal Web UI; abort asks the workflow, and says so when the workflow is
 * too busy to take it at once, on every open page at once; an offer whose text Twilio has not taken
 * yet shows no countdown (its hold starts with the text); bad input is refused naming the field with
 * nothing written.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';
import { OWN_ORIGIN, staffCookie, postForm } from '../support/staffForms.js';
import { twilioStackSuite } from '../support/twilioStackSuite.js';
import { addProvider, busyOfferWorkflow, logCancellation, waitlistPatient } from '../support/waitlist.js';

let stack: Stack;
let providerId: number;
beforeAll(async () => {
  stack = await startStack({ temporalUiUrl: 'http://localhost:8233' });
  const response = await stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name: 'Dr Okafor', type: 'MD/DO' }) });
  expect(response.status).toBe(201);
  providerId = ((await json(response)) as { id: number }).id;
});
afterAll(() => stack?.stop());

const pagePath = (path = '') => `/admin/cancellations${path}?${new URLSearchParams({ clinic: stack.clinic.slug }).toString()}`;
const post = (path: string, cookie: string, fields: Record<string, string> = {}, origin = OWN_ORIGIN) => postForm(stack, path, cookie, fields, origin);
const flash = (response: Response, name: 'notice' | 'notice_for' | 'error' | 'error_for') =>
  new URL(response.headers.get('location')!, OWN_ORIGIN).searchParams.get(name);
const cancellationCount = async () =>
  (await stack.sql<{ n: number }[]>`select count(*)::int as n from cancellation_events where clinic_id = ${stack.clinic.id}`)[0]!.n;
const newestCancellation = async () =>
  (
    await stack.sql<{ id: string; status: string; workflow_id: string }[]>`
    select id::text, status, workflow_id from cancellation_events where clinic_id = ${stack.clinic.id} order by cancellation_events.id desc limit 1`
  )[0]!;

/** A slot `hours` from now in the clinic's zone, as the form's `datetime-local` values. */
function slotFields(hours: number, minutes = 30): { slot_start_at: string; slot_end_at: string } {
  const start = DateTime.now().setZone(stack.clinic.timezone).plus({ hours }).set({ second: 0, millisecond: 0 });
  const format = (at: DateTime) => at.toFormat("yyyy-MM-dd'T'HH:mm");
  return { slot_start_at: format(start), slot_end_at: format(start.plus({ minutes })) };
}

describe('the Cancellations page is for signed-in staff', () => {
  it('sends a visitor without a session to sign in, and refuses a form post from another site', async () => {
    const page = await stack.app.request(pagePath());
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/admin/login?${new URLSearchParams({ next: pagePath() }).toString()}`);

    const cookie = await staffCookie(stack);
    const before = await cancellationCount();
    const refused = await post(pagePath(), cookie, { provider_id: String(providerId), location: 'Room 2', ...slotFields(30) }, 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(await cancellationCount()).toBe(before);
  });
});

describe('logging a freed slot and aborting it', () => {
  it('offers the slot, shows the offer masked with its hold and the run in Temporal, and aborts it once', async () => {
    const phone = patientPhone();
    expect((await stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone, display_name: 'Ines Duarte' }) })).status).toBe(201);
    const cookie = await staffCookie(stack);
    const logged = await post(pagePath(), cookie, {
      provider_id: String(providerId),
      location: 'Main St, room 2',
      reason: 'Called in sick',
      ...slotFields(30),
    });
    expect(logged.status, await logged.clone().text()).toBe(303);
    expect(flash(logged, 'notice')).toMatch(/^Offering the .+ slot to the waitlist\.$/);
    const cancellation = await newestCancellation();
    expect(cancellation.status).toBe('open');
    expect(new URL(logged.headers.get('location')!, OWN_ORIGIN).hash).toBe(`#cancellation-${cancellation.id}`);

    // The hold counts down once the offer's text went (Twilio took it).
    await expect
      .poll(
        async () => (await stack.sql`select 1 from offers where cancellation_id = ${cancellation.id} and state = 'pending' and texted_at is not null`).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    const html = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    expect(html).toContain('aria-current="page">Cancellations</a>');
    expect(html).toContain(`data-cancellation="${cancellation.id}" data-status="open"`);
    expect(html).toContain(`+1 ••• ••• ${phone.slice(-4)}`);
    expect(html).not.toContain(phone);
    expect(html).not.toContain(phone.slice(2));
    expect(html).toMatch(/data-hold-expires="[^"]+Z" data-seconds-left="\d+">\d+:\d\d left</);
    expect(html).toContain(`href="http://localhost:8233/namespaces/default/workflows/${cancellation.workflow_id}"`);
    expect(html).toContain('Called in sick');

    const aborted = await post(pagePath(`/${cancellation.id}/abort`), cookie, {});
    expect(aborted.status).toBe(303);
    expect(flash(aborted, 'notice')).toMatch(/^Stopped offering the .+ slot/);
    // Back at that cancellation's card, the outcome in it.
    expect(flash(aborted, 'notice_for')).toBe(cancellation.id);
    const back = new URL(aborted.headers.get('location')!, OWN_ORIGIN);
    expect(back.hash).toBe(`#cancellation-${cancellation.id}`);
    const backPage = await (await stack.app.request(`${back.pathname}${back.search}`, { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`<li class="cancellation card" id="cancellation-${cancellation.id}"[\\s\\S]*?</li>`).exec(backPage)?.[0];
    expect(card).toMatch(/<p class="card-notice" role="status" tabindex="-1" data-card-notice>Stopped offering the .+ slot/);
    expect(backPage).not.toContain('class="flash flash-ok"');
    await expect.poll(async () => (await newestCancellation()).status, { timeout: 20_000 }).toBe('aborted');
    const again = await post(pagePath(`/${cancellation.id}/abort`), cookie, {});
    expect(flash(again, 'error')).toBe(`cancellation ${cancellation.id} is aborted`);
    // Shown in that cancellation's card (among those ended), not in the page's banner.
    expect(flash(again, 'error_for')).toBe(cancellation.id);
    const shown = await (await stack.app.request(again.headers.get('location')!, { headers: { Cookie: cookie } })).text();
    expect(new RegExp(`data-cancellation="${cancellation.id}"(?:(?!data-cancellation=)[\\s\\S])*`).exec(shown)![0]).toContain(
      `<p class="card-error" role="alert" tabindex="-1" autofocus data-card-error>cancellation ${cancellation.id} is aborted</p>`,
    );
    expect(shown).not.toContain('class="banner"');
  });
});

describe('aborting a slot whose offer workflow is busy with a round', () => {
  it('answers that the abort is under way, not that it failed, and the card says so until it lands', { timeout: 90_000 }, async () => {
    const settings = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ contact_hours_start: '00:00', contact_hours_end: '23:59' }) });
    expect(settings.status).toBe(200);
    const phone = patientPhone();
    const entry = await stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone, provider_ids: [providerId] }) });
    expect(entry.status).toBe(201);
    const { cancellation, release } = await busyOfferWorkflow(stack, providerId);
    const cookie = await staffCookie(stack);
    try {
      const aborted = await post(pagePath(`/${cancellation.id}/abort`), cookie, {});
      expect(aborted.status).toBe(303);
      expect(flash(aborted, 'error')).toBeNull();
      expect(flash(aborted, 'notice')).toMatch(
        /^Stopping the offers of the .+ slot: the abort is recorded, but the offer workflow has not taken it yet \(busy with a round of offers, or not answering\)\. It withdraws them as soon as it does; a YES that reached it first still wins\. This card shows when it has\.$/,
      );
      expect(flash(aborted, 'notice_for')).toBe(cancellation.id);
      const back = new URL(aborted.headers.get('location')!, OWN_ORIGIN);
      const page = await (await stack.app.request(`${back.pathname}${back.search}`, { headers: { Cookie: cookie } })).text();
      const card = new RegExp(`<li class="cancellation card" id="cancellation-${cancellation.id}"[\\s\\S]*?</li>`).exec(page)![0];
      expect(card).toContain('data-status="open"');
      expect(card).toMatch(/<p class="card-notice" role="status" tabindex="-1" data-card-notice>Stopping the offers of/);
      expect(card).toMatch(
        /<p class="muted" data-abort-under-way>Abort under way since \d{1,2}:\d{2} [AP]M: the offers are withdrawn as soon as the offer workflow takes it\.<\/p>/,
      );
      expect(card).not.toContain('Yes, stop offering');
    } finally {
      await release();
    }
    await expect.poll(async () => (await newestCancellation()).status, { timeout: 30_000 }).toBe('aborted');
    const page = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    expect(page).not.toContain('data-abort-under-way');
  });
});

describe("another member of staff's open Cancellations page", () => {
  it('shows an abort under way as soon as it is recorded, while the offer workflow is too busy to take it', { timeout: 90_000 }, async () => {
    const phone = patientPhone();
    const entry = await stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone, provider_ids: [providerId] }) });
    expect(entry.status).toBe(201);
    const { cancellation, release } = await busyOfferWorkflow(stack, providerId);
    try {
      // A colleague has the page open: its live lists show the slot with its Abort button.
      const events = await stack.app.request(pagePath('/events'), { headers: { Cookie: await staffCookie(stack) } });
      expect(events.status).toBe(200);
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
      const card = (lists: string) => new RegExp(`<li class="cancellation card" id="cancellation-${cancellation.id}"[\\s\\S]*?</li>`).exec(lists)?.[0] ?? '';
      const EVENT = /event: cancellations\ndata: [\s\S]*?\n\n/;
      let received = '';
      let reading: ReturnType<typeof reader.read> | undefined;
      /** The lists of the first `event: cancellations` from now on whose card of this slot passes `test`; undefined when none comes within `ms`. */
      const listsWhere = async (test: (card: string) => boolean, ms: number): Promise<string | undefined> => {
        const deadline = Date.now() + ms;
        for (;;) {
          const event = EVENT.exec(received);
          if (event !== null) {
            received = received.slice(event.index + event[0].length);
            if (test(card(event[0]))) return event[0];
            continue;
          }
          reading ??= reader.read();
          const chunk = await Promise.race([reading, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), deadline - Date.now()))]);
          if (chunk === undefined || chunk.done) return undefined;
          reading = undefined;
          received += chunk.value;
        }
      };
      const abortButton = (c: string) => c.includes('Yes, stop offering');
      expect(await listsWhere(abortButton, 10_000), 'the slot with its Abort button').toBeDefined();

      // Staff abort it from another page; the workflow, busy with its round, has not taken it.
      const aborted = await post(pagePath(`/${cancellation.id}/abort`), await staffCookie(stack), {});
      expect(flash(aborted, 'notice')).toMatch(/^Stopping the offers of /);
      expect((await newestCancellation()).status).toBe('open');
      // The colleague's page has been told: the card says the abort is under way, with no Abort button.
      const underWay = (c: string) => /data-abort-under-way>Abort under way since \d{1,2}:\d{2} [AP]M:/.test(c);
      const now = await listsWhere(underWay, 2_000);
      expect(now, 'the lists sent again once the abort was recorded').toBeDefined();
      expect(abortButton(card(now!))).toBe(false);
      await reader.cancel();
    } finally {
      await release();
    }
    await expect.poll(async () => (await newestCancellation()).status, { timeout: 30_000 }).toBe('aborted');
  });
});

describe('a slot as staff read it on the page', () => {
  /** Logs a slot from `start` (clinic-local, 3 days ahead) for `minutes`; @returns the card's slot text, spaces made plain. */
  async function loggedSlotText(hour: number, minute: number, minutes: number): Promise<{ text: string; start: DateTime }> {
    const start = DateTime.now().setZone(stack.clinic.timezone).plus({ days: 3 }).set({ hour, minute, second: 0, millisecond: 0 });
    const format = (at: DateTime) => at.toFormat("yyyy-MM-dd'T'HH:mm");
    const cookie = await staffCookie(stack);
    const logged = await post(pagePath(), cookie, {
      provider_id: String(providerId),
      location: 'Room 2',
      slot_start_at: format(start),
      slot_end_at: format(start.plus({ minutes })),
    });
    expect(logged.status, await logged.clone().text()).toBe(303);
    const { id } = await newestCancellation();
    const html = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    const slot = new RegExp(`data-cancellation="${id}"[\\s\\S]*?<span class="slot">([^<]*)</span>`).exec(html)![1]!;
    return { text: slot.replace(/\s+/gu, ' '), start };
  }

  it("shows the end's date when the slot ends on the next day in the clinic's zone", async () => {
    const { text, start } = await loggedSlotText(23, 30, 60);
    const day = (at: DateTime) => at.setLocale('en-US').toFormat('LLL d, yyyy');
    expect(text).toBe(`${day(start)}, 11:30 PM – ${day(start.plus({ days: 1 }))}, 12:30 AM`);
  });

  it('writes the date once when the slot starts and ends on the same day', async () => {
    const { text, start } = await loggedSlotText(10, 0, 30);
    expect(text).toBe(`${start.setLocale('en-US').toFormat('LLL d, yyyy')}, 10:00 – 10:30 AM`);
  });
});

describe('a freed slot nobody can be offered', () => {
  it('ends Expired and says no offer was sent, not that none was sent "yet"', async () => {
    const cookie = await staffCookie(stack);
    // Starting in 20 minutes: inside the offer lead time (60 min by default), so no round is sent.
    const start = DateTime.now().setZone(stack.clinic.timezone).plus({ minutes: 20 }).set({ second: 0, millisecond: 0 });
    const format = (at: DateTime) => at.toFormat("yyyy-MM-dd'T'HH:mm");
    const logged = await post(pagePath(), cookie, {
      provider_id: String(providerId),
      location: 'Room 4',
      slot_start_at: format(start),
      slot_end_at: format(start.plus({ minutes: 30 })),
    });
    expect(logged.status, await logged.clone().text()).toBe(303);
    const { id } = await newestCancellation();
    await expect.poll(async () => (await newestCancellation()).status, { timeout: 15_000 }).toBe('expired');

    const html = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`<li class="cancellation card"[^>]*data-cancellation="${id}"[\\s\\S]*?</li>`).exec(html)![0];
    expect(card).toContain('<span class="pill pill-expired">Expired</span>');
    expect(card).toContain('No offers were sent: nobody on the waitlist could take this slot, or it starts too soon to offer.');
    expect(card).not.toContain('yet');
  });
});

describe('bad input names the field and writes nothing', () => {
  it.each([
    ['no provider', () => ({ provider_id: '', location: 'Room 2', ...slotFields(30) }), 'provider_id', 'Provider: must be a provider id'],
    [
      'an unknown provider',
      () => ({ provider_id: '999999', location: 'Room 2', ...slotFields(30) }),
      'provider_id',
      'Provider: the clinic has no provider 999999',
    ],
    ['no location', () => ({ provider_id: String(providerId), location: '  ', ...slotFields(30) }), 'location', 'Location: must not be empty'],
    [
      'a start that is no time',
      () => ({ provider_id: String(providerId), location: 'Room 2', slot_start_at: 'soon', slot_end_at: slotFields(30).slot_end_at }),
      'slot_start_at',
      'Starts: must be a date and time',
    ],
    [
      'a start in the past',
      () => ({ provider_id: String(providerId), location: 'Room 2', ...slotFields(-3) }),
      'slot_start_at',
      'Starts: must be in the future',
    ],
    [
      'an end before the start',
      () => ({ provider_id: String(providerId), location: 'Room 2', ...slotFields(30, -30) }),
      'slot_end_at',
      'Ends: must be after Starts',
    ],
  ])('refuses %s: 400, the form as typed with the error beside the field', async (_, fields, field, message) => {
    const cookie = await staffCookie(stack);
    const before = await cancellationCount();
    const response = await post(pagePath(), cookie, { ...fields(), reason: 'Typed reason' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain(`data-field-error="${field}">${message}`);
    expect(html).toContain('value="Typed reason"');
    expect(await cancellationCount()).toBe(before);
  });
});

describe('an offer whose text Twilio has not taken yet', () => {
  const suite = twilioStackSuite();

  it('shows that its text is being sent, no countdown, and then counts down from the hold its text started', async () => {
    const { stack: twilioStack, twilioApi } = suite;
    const doctor = await addProvider(twilioStack, 'Dr Halvorsen');
    const phone = await waitlistPatient(twilioStack, doctor);
    // Twilio throttles the offer's text (retry in 1 s) until the test lets it through.
    twilioApi.setAnswer(phone, { kind: 'throttled', retryAfterSeconds: 1 });
    const { id } = await logCancellation(twilioStack, doctor);
    await expect.poll(() => twilioApi.requestsTo(phone).length, { timeout: 20_000 }).toBeGreaterThan(0);
    const cookie = await staffCookie(twilioStack);
    const offerLine = async () => {
      const page = await (
        await twilioStack.app.request(`/admin/cancellations?${new URLSearchParams({ clinic: twilioStack.clinic.slug }).toString()}`, {
          headers: { Cookie: cookie },
        })
      ).text();
      return (
        new RegExp(`<li class="offer"[^>]*data-state="pending">[\\s\\S]*?</li>`).exec(
          new RegExp(`<li class="cancellation card" id="cancellation-${id}"[\\s\\S]*?</ul>`).exec(page)?.[0] ?? '',
        )?.[0] ?? ''
      );
    };
    const throttledLine = await offerLine();
    expect(throttledLine).toContain('Texting…');
    expect(throttledLine).not.toContain('data-hold-expires');
    expect(throttledLine).not.toMatch(/\d+:\d\d left/);

    twilioApi.clearAnswer(phone);
    const texted = () =>
      twilioStack.sql<{ sent_at: Date; hold_expires_at: Date }[]>`
        select m.sent_at, o.hold_expires_at from offers o join messages m on m.idempotency_key = 'offer:' || o.id::text
        where o.cancellation_id = ${id} and o.state = 'pending' and o.texted_at is not null`;
    await expect.poll(async () => (await texted()).length, { timeout: 20_000 }).toBe(1);
    const [taken] = await texted();
    // The clinic's 7-minute hold, from when Twilio took the text.
    expect(taken!.hold_expires_at.getTime() - taken!.sent_at.getTime()).toBe(7 * 60_000);
    const sentLine = await offerLine();
    expect(sentLine).not.toContain('Texting…');
    const [, seconds] = /data-hold-expires="[^"]+Z" data-seconds-left="(\d+)">\d+:\d\d left</.exec(sentLine) ?? [];
    expect(Number(seconds)).toBeLessThanOrEqual(7 * 60);
    expect(Number(seconds)).toBeGreaterThan(6 * 60);
    expect(sentLine).toContain(`data-hold-expires="${taken!.hold_expires_at.toISOString()}"`);
  }, 60_000);
});
