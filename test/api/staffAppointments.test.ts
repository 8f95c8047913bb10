/**
 * A receptionist works the Appointments page: signed in, forms from the page only, a day's list that
 * shows first names only, each change made through the chain and answered with a 303 back to the day,
 * and a booking form that names a bad field and writes nothing.
 */
import { DateTime } from 'luxon';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderStaffHeader } from '../../src/api/views/staffNav.js';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';
import { OWN_ORIGIN, staffCookie, postForm } from '../support/staffForms.js';
import { addProvider, logCancellation } from '../support/waitlist.js';
import { bookThroughApi, contactHoursLeavingOutNow, withContactHours, type ApiBooking } from '../support/apiBooking.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ temporalUiUrl: 'http://localhost:8233' });
});
afterAll(() => stack?.stop());

const pagePath = (params: Record<string, string> = {}) => `/admin/appointments?${new URLSearchParams({ clinic: stack.clinic.slug, ...params }).toString()}`;
const actionPath = (id: string, action: string, date: string) =>
  `/admin/appointments/${id}/${action}?${new URLSearchParams({ clinic: stack.clinic.slug, date }).toString()}`;

const post = (path: string, cookie: string, fields: Record<string, string> = {}, origin = OWN_ORIGIN) => postForm(stack, path, cookie, fields, origin);

const bookViaApi = (days: number, patientName?: string) => bookThroughApi(stack, { days, patientName });

const readAppointment = async (id: string) =>
  (await json(await stack.api(`/api/appointments/${id}`))) as {
    status: string;
    starts_at: string;
    follow_up_date: string | null;
    deliveries: { kind: string }[];
  };
const countAppointments = async () =>
  (await stack.sql<{ n: number }[]>`select count(*)::int as n from appointments where clinic_id = ${stack.clinic.id}`)[0]!.n;

describe('the Appointments page is for signed-in staff', () => {
  it('sends a visitor without a session to sign in, and refuses a form post from another site', async () => {
    const page = await stack.app.request(pagePath());
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/admin/login?${new URLSearchParams({ next: pagePath() }).toString()}`);

    const { id, day } = await bookViaApi(2);
    const refused = await post(actionPath(id, 'cancel', day), await staffCookie(stack), {}, 'https://evil.example');
    expect(refused.status).toBe(403);
    expect((await readAppointment(id)).status).toBe('booked');
  });
});

describe('one navigation on every staff page', () => {
  it('marks the current page, and leaves Phone out without the console provider', async () => {
    const cookie = await staffCookie(stack);
    const board = await (await stack.app.request(`/admin/board?clinic=${stack.clinic.slug}`, { headers: { Cookie: cookie } })).text();
    expect(board).toMatch(/<a href="\/admin\/board\?clinic=[^"]+" aria-current="page">Queue<\/a>/);
    expect(board).toMatch(/<a href="\/admin\/appointments\?clinic=[^"]+">Appointments<\/a>/);
    expect(board).not.toContain('/admin/phone');

    const appointments = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    expect(appointments).toMatch(/<a href="\/admin\/appointments\?clinic=[^"]+" aria-current="page">Appointments<\/a>/);
    expect(appointments).toContain('action="/admin/logout"');
    expect(appointments).not.toContain('/admin/phone');
  });

  it('links the phone simulator while the console provider is in use', async () => {
    const header = String(await renderStaffHeader({ clinic: { name: 'Clinic', slug: 'main' }, current: 'phone', subtitle: 'Phone', showPhone: true }));
    expect(header).toContain('<a href="/admin/phone" aria-current="page">Phone</a>');
    expect(header).toContain('<a href="/admin/board">Queue</a>');
  });
});

describe("the day's appointments", () => {
  it("shows the patient's first name only, never the full name or the phone, with a link to the chain's run", async () => {
    const { day, phone, workflowId } = await bookViaApi(3, 'Priyanka Venkataraman');
    const response = await stack.app.request(pagePath({ date: day }), { headers: { Cookie: await staffCookie(stack) } });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Priyanka');
    expect(page).not.toContain('Venkataraman');
    expect(page).not.toContain(phone);
    expect(page).not.toContain(phone.slice(2));
    expect(page).toContain(`href="http://localhost:8233/namespaces/default/workflows/${workflowId}"`);
    expect(page).toContain('Dr Mehta');
  });

  it.each([
    ['2026-02-30', 'Day: must be a date YYYY-MM-DD, not “2026-02-30”. Showing today.'],
    ['1999-12-31', 'Day: must be in the years 2000 to 2099, not “1999-12-31”. Showing today.'],
    ['tomorrow', 'Day: must be a date YYYY-MM-DD, not “tomorrow”. Showing today.'],
  ])(
    'shows today for a day that cannot be shown (%s), with a banner naming it and the day asked for still in the day picker, and answers 400',
    async (date, message) => {
      const response = await stack.app.request(pagePath({ date }), { headers: { Cookie: await staffCookie(stack) } });
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain(`<p class="banner" role="alert" id="day-pick-error" data-date-error>${message}</p>`);
      const today = DateTime.now().setZone(stack.clinic.timezone);
      expect(page).toContain(`<h2 id="day-title">${today.setLocale('en-US').toLocaleString(DateTime.DATE_HUGE)} (today)</h2>`);
      // The day picker keeps what was asked, marked invalid and described by the banner, rather than today's date.
      const picker = /<input id="day-pick-date"[^>]*>/.exec(page)![0];
      expect(picker).toContain(`value="${date}"`);
      expect(picker).toContain('aria-invalid="true" aria-describedby="day-pick-error"');
      expect(picker).not.toContain(today.toISODate()!);
    },
  );

  describe('a page showing today for a day it cannot show (2026-02-30)', () => {
    const refused = () => pagePath({ date: '2026-02-30' });
    const banner = '<p class="banner" role="alert" id="day-pick-error" data-date-error>Day: must be a date YYYY-MM-DD, not “2026-02-30”. Showing today.</p>';
    const todayTitle = () => `${DateTime.now().setZone(stack.clinic.timezone).setLocale('en-US').toLocaleString(DateTime.DATE_HUGE)} (today)`;
    /** The `action` of the form in `html` whose button reads `button` (`&amp;` read back as `&`). */
    const formAction = (html: string, button: string) =>
      new RegExp(`<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>)[\\s\\S])*>${button}</button>`).exec(html)![1]!.replaceAll('&amp;', '&');

    it('sends a change made there back to it: today again, with the banner saying why, and the outcome', async () => {
      const cookie = await staffCookie(stack);
      const startsAt = DateTime.now().setZone(stack.clinic.timezone).plus({ hours: 2 }).set({ second: 0, millisecond: 0 });
      const { id } = await bookThroughApi(stack, { startsAt, patientName: 'Halima Yusuf' });
      const shown = await stack.app.request(refused(), { headers: { Cookie: cookie } });
      expect(shown.status).toBe(400);
      const html = await shown.text();
      const card = new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(html)![0];
      const key = /name="idempotency_key" value="([^"]+)"/.exec(card)![1]!;

      const response = await post(formAction(card, 'Remind now'), cookie, { idempotency_key: key });
      expect(response.status).toBe(303);
      const back = await stack.app.request(response.headers.get('location')!, { headers: { Cookie: cookie } });
      expect(back.status).toBe(400);
      const page = await back.text();
      expect(page).toContain(banner);
      expect(page).toContain(`<h2 id="day-title">${todayTitle()}</h2>`);
      // The outcome in the appointment's card, the page opened at it.
      expect(new URL(response.headers.get('location')!, OWN_ORIGIN).hash).toBe(`#appointment-${id}`);
      expect(new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(page)?.[0]).toMatch(
        /<p class="card-notice" role="status" tabindex="-1" data-card-notice>Reminder asked for Halima&#39;s [^<]*<\/p>/,
      );
    });

    it("keeps the banner in the live list's forms and beside a refused booking", async () => {
      const cookie = await staffCookie(stack);
      const startsAt = DateTime.now().setZone(stack.clinic.timezone).plus({ hours: 3 }).set({ second: 0, millisecond: 0 });
      const { id } = await bookThroughApi(stack, { startsAt, patientName: 'Ifeoma Obi' });
      const html = await (await stack.app.request(refused(), { headers: { Cookie: cookie } })).text();

      // The live list, sent again after any change, offers the same forms as the page it replaces.
      const events = await stack.app.request(/data-events="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'), { headers: { Cookie: cookie } });
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
      let list = '';
      while (!list.includes('</ol>')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended before the list');
        list += value;
      }
      await reader.cancel();
      const liveCard = new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(list)![0];
      const pageCard = new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(html)![0];
      expect(formAction(pageCard, 'Remind now')).toContain('date=2026-02-30');
      expect(formAction(liveCard, 'Remind now')).toBe(formAction(pageCard, 'Remind now'));

      const booking = await post(formAction(html, 'Book'), cookie, { starts_at: 'soon' });
      expect(booking.status).toBe(400);
      const page = await booking.text();
      expect(page).toContain(banner);
      expect(page).toContain(`<h2 id="day-title">${todayTitle()}</h2>`);
      expect(page).toContain('data-field-error="starts_at">Date and time: must be a date and time');
    });
  });

  it('shows a day it can show with no banner', async () => {
    const response = await stack.app.request(pagePath({ date: '2099-12-31' }), { headers: { Cookie: await staffCookie(stack) } });
    expect(response.status).toBe(200);
    expect(await response.text()).not.toContain('data-date-error');
  });

  it('offers "Remind now" until an appointment starts and "No-show" once it has, never both', async () => {
    const cookie = await staffCookie(stack);
    const { id, day } = await bookViaApi(5);
    const page = async (date: string) => (await stack.app.request(pagePath({ date }), { headers: { Cookie: cookie } })).text();
    const upcoming = await page(day);
    expect(upcoming).toContain(`/admin/appointments/${id}/remind?`);
    expect(upcoming).not.toContain(`/admin/appointments/${id}/no_show?`);

    // The same appointment as the page sees it once its time has come (the row is what the page reads).
    // Its chain still writes the row while it settles after the booking (recordAppointmentState, with
    // the booked start), so the edit is made again until the chain has nothing left to write.
    const begun = await vi.waitFor(
      async () => {
        const [started] = await stack.sql<{ starts_at: Date }[]>`
          update appointments set starts_at = now() - interval '5 minutes' where id = ${id} returning starts_at`;
        const startedDay = DateTime.fromJSDate(started!.starts_at).setZone(stack.clinic.timezone).toISODate()!;
        const html = await page(startedDay);
        expect(html).toContain(`/admin/appointments/${id}/no_show?`);
        return html;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(begun).not.toContain(`/admin/appointments/${id}/remind?`);
  });

  it.each([
    ['remind', {}, (a: Awaited<ReturnType<typeof readAppointment>>) => expect(a.deliveries.map((d) => d.kind)).toContain('reminder')],
    [
      'visited',
      { follow_up_date: '2031-01-15' },
      (a: Awaited<ReturnType<typeof readAppointment>>) => expect(a).toMatchObject({ status: 'visited', follow_up_date: '2031-01-15' }),
    ],
    ['cancel', {}, (a: Awaited<ReturnType<typeof readAppointment>>) => expect(a.status).toBe('cancelled')],
  ] as const)('%s changes the appointment and returns to its card on the day, with the outcome in that card', async (action, fields, check) => {
    const { id, day } = await bookViaApi(4);
    const cookie = await staffCookie(stack);
    const response = await post(actionPath(id, action, day), cookie, fields);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!, OWN_ORIGIN);
    expect(location.pathname).toBe('/admin/appointments');
    expect(location.searchParams.get('date')).toBe(day);
    const notice = location.searchParams.get('notice');
    expect(notice).toContain("Rahul's");
    expect(location.searchParams.get('notice_for')).toBe(id);
    expect(location.hash).toBe(`#appointment-${id}`);
    await vi.waitFor(async () => check(await readAppointment(id)), { timeout: 10_000 });

    // The page it leads to has that card (the fragment's target) with the outcome in it, not above the day.
    const page = await (await stack.app.request(`${location.pathname}${location.search}`, { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`<li class="appt card" id="appointment-${id}" data-appointment="${id}"[\\s\\S]*?</li>`).exec(page)?.[0];
    expect(card).toContain(`<p class="card-notice" role="status" tabindex="-1" data-card-notice>${notice!.replaceAll("'", '&#39;')}</p>`);
    expect(page).not.toContain('class="flash flash-ok"');
  });

  it('says in the card that no text goes when staff cancel before the booking confirmation went (held until contact hours)', async () => {
    const { id, day } = await withContactHours(stack, contactHoursLeavingOutNow(stack), () => bookViaApi(4));
    const response = await post(actionPath(id, 'cancel', day), await staffCookie(stack));
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, OWN_ORIGIN).searchParams.get('notice')).toMatch(
      /^Cancelled Rahul's .*; no text goes: the patient had not been texted about this booking yet\.$/,
    );
    expect((await readAppointment(id)).status).toBe('cancelled');
  });

  it('refuses a no-show before the start, saying so in the card, and takes it from the start', async () => {
    const cookie = await staffCookie(stack);
    const early = await bookViaApi(4);
    const refused = await post(actionPath(early.id, 'no_show', early.day), cookie);
    expect(refused.status).toBe(303);
    const location = new URL(refused.headers.get('location')!, OWN_ORIGIN);
    expect(location.searchParams.get('error')).toMatch(/^the appointment has not started \(it starts .*\): a no-show can be marked from its start$/);
    expect(location.searchParams.get('error_for')).toBe(early.id);
    expect((await readAppointment(early.id)).status).toBe('booked');

    const soon = await bookThroughApi(stack, { startsAt: DateTime.now().plus({ seconds: 3 }).set({ millisecond: 0 }) });
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const marked = await post(actionPath(soon.id, 'no_show', soon.day), cookie);
    expect(new URL(marked.headers.get('location')!, OWN_ORIGIN).searchParams.get('notice')).toContain("Rahul's");
    await vi.waitFor(async () => expect((await readAppointment(soon.id)).status).toBe('no_show'), { timeout: 10_000 });
  });

  it('moves an appointment to a time typed in clinic time', async () => {
    const { id, day } = await bookViaApi(5);
    const to = DateTime.now().setZone(stack.clinic.timezone).plus({ days: 6 }).set({ hour: 11, minute: 15, second: 0, millisecond: 0 });
    const response = await post(actionPath(id, 'move', day), await staffCookie(stack), { starts_at: to.toFormat("yyyy-MM-dd'T'HH:mm") });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, OWN_ORIGIN).searchParams.get('notice')).toContain('Moved');
    expect(new Date((await readAppointment(id)).starts_at).getTime()).toBe(to.toMillis());
  });

  it("shows the chain's refusal in the appointment's card: a cancelled appointment cannot be marked visited", async () => {
    const { id, day } = await bookViaApi(4);
    const cookie = await staffCookie(stack);
    expect((await post(actionPath(id, 'cancel', day), cookie)).status).toBe(303);
    const refused = await post(actionPath(id, 'visited', day), cookie, { follow_up_date: '' });
    expect(refused.status).toBe(303);
    const error = new URL(refused.headers.get('location')!, OWN_ORIGIN).searchParams.get('error');
    expect(error).toMatch(/cancelled/);
    expect((await readAppointment(id)).status).toBe('cancelled');

    expect(new URL(refused.headers.get('location')!, OWN_ORIGIN).searchParams.get('error_for')).toBe(id);
    const page = await (await stack.app.request(refused.headers.get('location')!, { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(page)![0];
    expect(card).toContain(`<p class="card-error" role="alert" tabindex="-1" autofocus data-card-error>${error}</p>`);
    expect(page).not.toContain('class="banner"');
  });
});

describe("the day's cost", () => {
  it('reads a day of four appointments, each with its own messages, in as many queries as a day of one', async () => {
    const cookie = await staffCookie(stack);
    const zone = stack.clinic.timezone;
    const busy = DateTime.now().setZone(zone).plus({ days: 12 }).startOf('day');
    const quiet = busy.plus({ days: 1 });
    const names = ['Amara', 'Bilal', 'Chen', 'Dara'];
    const booked: ApiBooking[] = [];
    for (const [i, name] of names.entries()) {
      booked.push(await bookThroughApi(stack, { startsAt: busy.set({ hour: 9 + i }), patientName: `${name} Test` }));
    }
    const alone = await bookThroughApi(stack, { startsAt: quiet.set({ hour: 9 }), patientName: 'Esi Test' });
    // Amara and Chen are reminded now: their last message is the reminder, after the booking's confirmation.
    const reminded = new Set([booked[0]!.id, booked[2]!.id]);
    for (const id of [...reminded, alone.id]) expect((await post(actionPath(id, 'remind', busy.toISODate()!), cookie)).status).toBe(303);
    for (const { id } of [...booked, alone]) {
      const kinds = reminded.has(id) || id === alone.id ? ['booking_confirmation', 'reminder'] : ['booking_confirmation'];
      await vi.waitFor(async () => expect((await readAppointment(id)).deliveries.map((d) => d.kind)).toEqual(kinds), { timeout: 10_000 });
    }

    let queries = 0;
    const counted = postgres(stack.databaseUrl, { max: 1, onnotice: () => undefined, debug: () => (queries += 1) });
    try {
      // Its one connection opens, and reads Postgres's types, before the count starts.
      await counted`select 1`;
      const app = stack.createApp({ sql: counted });
      const read = async (day: DateTime) => {
        queries = 0;
        const response = await app.request(pagePath({ date: day.toISODate()! }), { headers: { Cookie: cookie } });
        expect(response.status).toBe(200);
        return { page: await response.text(), queries };
      };
      const lastMessage = (page: string, id: string) =>
        /<span data-last-delivery>([^<]*)<\/span>/.exec(new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(page)![0])?.[1];

      const one = await read(quiet);
      expect(lastMessage(one.page, alone.id)).toMatch(/^Reminder · SMS (queued|sent|delivered)$/);
      const four = await read(busy);
      for (const [i, { id }] of booked.entries()) {
        expect(four.page).toContain(names[i]);
        expect(lastMessage(four.page, id)).toMatch(
          reminded.has(id) ? /^Reminder · SMS (queued|sent|delivered)$/ : /^Booking confirmation · SMS (queued|sent|delivered)$/,
        );
      }
      expect(four.queries).toBe(one.queries);
    } finally {
      await counted.end();
    }
  });
});

describe('the live day', () => {
  const eventsPath = (date: string) => `/admin/appointments/events?${new URLSearchParams({ clinic: stack.clinic.slug, date }).toString()}`;

  it('refuses the stream without a session', async () => {
    const events = await stack.app.request(eventsPath('2031-01-15'));
    expect(events.status).toBe(401);
  });

  it("sends the day's list again after a booking, the chain's own text and a cancel from anywhere", async () => {
    const day = DateTime.now().setZone(stack.clinic.timezone).plus({ days: 9 }).toISODate()!;
    const events = await stack.app.request(eventsPath(day), { headers: { Cookie: await staffCookie(stack) } });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`event stream ended before ${String(pattern)}`);
        received += value;
      }
      const seen = received;
      received = '';
      return seen;
    };
    await until(/event: appointments\ndata: <p class="empty">No appointments this day\.<\/p>/);

    // Another staff member books through the JSON API, nine days out.
    const { id } = await bookViaApi(9, 'Zainab Okafor');
    await until(/Zainab[\s\S]*pill-booked/);
    // The chain texts the booking's confirmation: its delivery shows.
    await until(/Booking confirmation · SMS (sent|delivered)/);
    expect((await stack.api(`/api/appointments/${id}/cancel`, { method: 'POST' })).status).toBe(200);
    await until(/pill-cancelled/);
    await reader.cancel();
  });

  it('asks before cancelling: "Cancel…" opens the question, "Yes, cancel it" posts', async () => {
    const { id, day } = await bookViaApi(4, 'Olu Adeyemi');
    const page = await (await stack.app.request(pagePath({ date: day }), { headers: { Cookie: await staffCookie(stack) } })).text();
    const card = new RegExp(`data-appointment="${id}"[\\s\\S]*?</li>`).exec(page)![0];
    const cancelUrl = actionPath(id, 'cancel', day).replaceAll('&', '&amp;');
    const question = /<details class="confirm">([\s\S]*?)<\/details>/.exec(card)![1]!;
    expect(question).toMatch(/^\s*<summary class="btn btn-danger">Cancel…<\/summary>/);
    expect(question).toContain(`<form method="post" action="${cancelUrl}" class="confirm-form">`);
    expect(question).toContain("<p>Cancel Olu's appointment? The patient is told.</p>");
    expect(question).toContain('<button class="btn btn-danger" type="submit">Yes, cancel it</button>');
    // No one-tap cancel anywhere on the card.
    expect(card.match(/\/cancel\?/g)).toHaveLength(1);
  });
});

describe('booking from the page', () => {
  const goodForm = () => ({
    patient_name: 'Ana Lopez',
    phone: patientPhone(),
    starts_at: DateTime.now().setZone(stack.clinic.timezone).plus({ days: 7 }).set({ hour: 10, minute: 30 }).toFormat("yyyy-MM-dd'T'HH:mm"),
    duration_minutes: '30',
    provider: 'Dr Mehta',
    service: 'Checkup',
    channel: 'sms',
    language: '',
  });

  it.each([
    ['duration_minutes', { duration_minutes: '0' }, 'Length (minutes): must be a whole number of minutes from 5 to 480'],
    ['phone', { phone: '12345' }, 'Mobile number: must be a valid mobile number'],
    ['starts_at', { starts_at: 'soon' }, 'Date and time: must be a date and time'],
    ['starts_at', { starts_at: '2020-01-01T10:00' }, 'Date and time: must be in the future'],
    ['patient_name', { patient_name: '' }, 'Patient name: must not be empty'],
  ])('names a bad %s beside the form, keeps what was typed and writes nothing', async (field, change, message) => {
    const before = await countAppointments();
    const form = { ...goodForm(), ...change };
    const response = await post(pagePath(), await staffCookie(stack), form);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`data-field-error="${field}">${message}`);
    expect(page).toContain(`id="book-${field}" name="${field}" aria-invalid="true"`);
    expect(page).toContain(`value="${form.service}"`);
    expect(await countAppointments()).toBe(before);
  });

  it('books one and shows its day with the outcome', async () => {
    const before = await countAppointments();
    const form = goodForm();
    const response = await post(pagePath(), await staffCookie(stack), form);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!, OWN_ORIGIN);
    expect(location.searchParams.get('date')).toBe(form.starts_at.slice(0, 10));
    // The day as the page's heading writes it (Tuesday, December 8, 2026), not as the address carries it.
    const written = DateTime.fromISO(form.starts_at.slice(0, 10)).setLocale('en-US').toLocaleString(DateTime.DATE_HUGE);
    expect(location.searchParams.get('notice')).toBe(`Booked Ana's 10:30 AM appointment on ${written}.`);
    expect(await countAppointments()).toBe(before + 1);
    // Opened at the new appointment's card, where the notice is.
    const [booked] = await stack.sql<
      { id: string }[]
    >`select id::text as id from appointments where clinic_id = ${stack.clinic.id} order by appointments.id desc limit 1`;
    expect(location.searchParams.get('notice_for')).toBe(booked!.id);
    expect(location.hash).toBe(`#appointment-${booked!.id}`);
  });
});

describe('an appointment booked from a waitlist offer', () => {
  it('shows the confirmation the patient got as its last message, and the service of the visit it brings forward', async () => {
    const cookie = await staffCookie(stack);
    const providerId = await addProvider(stack, 'Dr Okafor');
    // The patient has a visit in ten days and waits on the list for an earlier one.
    const later = await bookThroughApi(stack, { days: 10, service: 'Knee follow-up', patientName: 'Ines Duarte' });
    const added = await stack.api('/api/waitlist', {
      method: 'POST',
      body: JSON.stringify({ phone: later.phone, provider_ids: [providerId], current_appt_at: (await readAppointment(later.id)).starts_at }),
    });
    expect(added.status).toBe(201);
    const { id } = await logCancellation(stack, providerId, 30);
    await expect
      .poll(async () => (await stack.sql`select 1 from messages where phone = ${later.phone} and offer_id is not null`).length, { timeout: 20_000 })
      .toBe(1);
    expect(await twimlText(await stack.sendSms(later.phone, 'YES'))).toMatch(/Confirmed/);
    await expect.poll(async () => (await json(await stack.api(`/api/cancellations/${id}`))).status, { timeout: 20_000 }).toBe('filled');
    const freed = (await json(await stack.api(`/api/cancellations/${id}`))) as { filled_by: string; slot_start_at: string };
    const day = DateTime.fromISO(freed.slot_start_at).setZone(stack.clinic.timezone).toISODate()!;

    const page = await (await stack.app.request(pagePath({ date: day }), { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`data-appointment="${freed.filled_by}"[\\s\\S]*?</li>`).exec(page)![0];
    expect(card).toContain('<dd>Dr Okafor · Knee follow-up · 30 min</dd>');
    expect(card).toMatch(/<span data-last-delivery>Offer won · SMS (accepted|sent|delivered)<\/span>/);
  });
});
