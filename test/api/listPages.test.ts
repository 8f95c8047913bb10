/**
 * Staff read the JSON API's lists a page at a time (`?limit=`, `?cursor=`, `next_cursor` and
 * `Link: <…>; rel="next"`): walking the pages with any page size gives every row exactly once and in
 * order, rows that share a time (or differ from each other only in microseconds) included; the last
 * page's `next_cursor` is null; a cursor the list did not give is a 400 naming `cursor`, and so is one
 * sent with other filters than the page that gave it (the page size may change); and a cursor never
 * reaches another clinic's rows. The CSV export stays whole.
 */
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateProvider } from '../../src/appointments/appointments.js';
import { appointmentMessageKey } from '../../src/workflows/appointmentDefinitions.js';
import { createTestClinic } from '../support/clinic.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let providerId: number;
beforeAll(async () => {
  stack = await startStack();
  providerId = (await findOrCreateProvider(stack.sql, stack.clinic.id, 'Dr Pages')).id;
});
afterAll(() => stack?.stop());

/** `path` with `?name=value` added to its query. */
const withQuery = (path: string, name: string, value: string | number) => `${path}${path.includes('?') ? '&' : '?'}${name}=${value}`;

/**
 * Reads a list route from `url` on (its array in `field`, `limit` a page), going on by each page's
 * `Link` header, whose URL must carry the page's `next_cursor`, until `next_cursor` is null.
 * @returns the ids in the order read, and how many pages it took.
 */
async function follow(url: string, field: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  for (let pages = 1; pages <= 1000; pages++) {
    const response = await stack.api(url);
    expect(response.status, url).toBe(200);
    const body = await json(response);
    const items = body[field] as { id: string | number }[];
    ids.push(...items.map((item) => String(item.id)));
    if (body.next_cursor === null) {
      expect(response.headers.get('Link')).toBeNull();
      return { ids, pages };
    }
    // Only the last page is short.
    expect(items).toHaveLength(limit);
    const next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('Link') ?? '')?.[1];
    expect(next, 'Link header').toBeDefined();
    expect(new URL(next!, 'http://localhost').searchParams.get('cursor')).toBe(body.next_cursor);
    url = next!;
  }
  throw new Error(`${url}: no last page in 1000`);
}

/** Reads list route `path` from its first page, `limit` a page (see `follow`). */
const walk = (path: string, field: string, limit: number) => follow(withQuery(path, 'limit', limit), field, limit);

/** Walks `path` at every page size from 1 to one past the whole list; each walk must read `expected` exactly, in as few pages as it can. */
async function expectEveryPageSize(path: string, field: string, expected: string[]) {
  for (let limit = 1; limit <= expected.length + 1; limit++) {
    const { ids, pages } = await walk(path, field, limit);
    expect(ids, `limit=${limit}`).toEqual(expected);
    expect(pages, `limit=${limit}`).toBe(Math.max(1, Math.ceil(expected.length / limit)));
  }
}

/** A cursor as this API spells one (base64url JSON); tests forge them to check they are read strictly. */
const forge = (items: unknown) => Buffer.from(typeof items === 'string' ? items : JSON.stringify(items)).toString('base64url');

/** The first page's `next_cursor` of `path` read `limit` at a time. */
async function firstCursor(path: string, limit = 1): Promise<string> {
  const body = await json(await stack.api(withQuery(path, 'limit', limit)));
  expect(body.next_cursor).toEqual(expect.any(String));
  return body.next_cursor as string;
}

// Times that sort apart from insertion order: a later row earlier in time, three rows at one instant,
// and two a tenth of a millisecond apart (a JS Date could not tell them from the three).
const SAME = '2031-05-01 10:30:00+00';
const TIMES = ['2031-05-01 10:30:00.000200+00', '2031-05-01 10:30:00.000100+00', SAME, SAME, SAME, '2031-05-01 10:15:00+00'];

/** Runs `insert` for each of `TIMES` in turn, so ids rise in that order. @returns the ids. */
async function insertInOrder(insert: (at: string, n: number) => Promise<string>): Promise<string[]> {
  const ids: string[] = [];
  for (const [n, at] of TIMES.entries()) ids.push(await insert(at, n));
  return ids;
}

/** A bad cursor is refused with 400 naming it, in words. */
async function expectCursorRefused(path: string, cursor: string) {
  const response = await stack.api(withQuery(path, 'cursor', encodeURIComponent(cursor)));
  expect(response.status, cursor).toBe(400);
  expect((await json(response)).error, cursor).toEqual({
    code: 'bad_request',
    field: 'cursor',
    message: 'cursor: must be the next_cursor of an earlier page of this list, unchanged',
  });
}

/** What a cursor sent with other filters than its page's is refused with. */
const FILTERS_REFUSED =
  'cursor: was given by a page with other filters: send the filters of that page again (limit may change), or no cursor for the first page';

/** A bad limit is refused with 400 naming it, in words. */
async function expectLimitRefused(path: string) {
  for (const limit of ['0', '501', '1e2', '-1', 'ten']) {
    const response = await stack.api(withQuery(path, 'limit', limit));
    expect(response.status, limit).toBe(400);
    expect((await json(response)).error, limit).toMatchObject({ field: 'limit', message: 'limit: must be a whole number from 1 to 500' });
  }
}

describe('GET /api/appointments', () => {
  const insertAppointment = async (startsAt: string, key: string) =>
    (
      await stack.sql<{ id: string }[]>`
        insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, workflow_id)
        values (${stack.clinic.id}, ${providerId}, 'Page Patient', ${patientPhone()}, 'en', 'Ortho', 'sms', ${startsAt}::text::timestamptz, 30,
                ${`appointment-pages-${stack.clinic.id}-${key}`})
        returning id`
    )[0]!.id;
  /** The clinic-local day of `at` (an instant), as `?date=` takes it. */
  const localDay = (at: string) => DateTime.fromISO(at, { zone: 'utc' }).setZone(stack.clinic.timezone).toISODate()!;

  it('gives every appointment once, by start and then id, at every page size, and keeps a status filter across pages', async () => {
    const [a, b, c, d, e, f] = await insertInOrder((at, n) => insertAppointment(at, `tie-${n}`));
    // All six lie within one clinic-local day whatever the test clinic's whole-hour offset.
    const path = `/api/appointments?date=${localDay('2031-05-01T10:30:00Z')}`;
    await expectEveryPageSize(path, 'appointments', [f!, c!, d!, e!, b!, a!]);

    await stack.sql`update appointments set status = 'cancelled' where id = ${d!}`;
    await expectEveryPageSize(`${path}&status=booked`, 'appointments', [f!, c!, e!, b!, a!]);
    expect((await walk(`${path}&status=cancelled`, 'appointments', 1)).ids).toEqual([d!]);
  });

  it('answers 500 a page by default with a cursor to the rest, while the CSV export holds every appointment', async () => {
    const start = '2031-06-01T10:30:00Z';
    // 501 appointments, three to each second: more than a page, with ties at every boundary.
    await stack.sql`
      insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, workflow_id)
      select ${stack.clinic.id}, ${providerId}, 'Bulk Patient', '+13125550150', 'en', 'Ortho', 'sms',
             ${start}::timestamptz + make_interval(secs => g / 3), 30, ${`appointment-pages-bulk-${stack.clinic.id}-`} || g
      from generate_series(1, 501) g`;
    const day = localDay(start);
    const first = await json(await stack.api(`/api/appointments?date=${day}`));
    expect(first.appointments).toHaveLength(500);
    expect(first.next_cursor).toEqual(expect.any(String));
    const rest = await json(await stack.api(`/api/appointments?date=${day}&cursor=${first.next_cursor}`));
    expect(rest.appointments).toHaveLength(1);
    expect(rest.next_cursor).toBeNull();
    expect(new Set([...first.appointments, ...rest.appointments].map((x: { id: string }) => x.id)).size).toBe(501);

    const csv = await stack.api(`/api/appointments.csv?date=${day}&limit=1`);
    expect(csv.status).toBe(200);
    expect(parse(await csv.text(), { bom: true })).toHaveLength(1 + 501);
  });

  it('carries on each appointment of every page, and in the CSV, when its patient asked on a landline reminder call for another time', async () => {
    const startsAt = '2031-07-01T10:30:00.000Z';
    // Texts that came back 30006 make a number a landline whichever clinic sent them: another clinic's
    // keep this clinic's message log (walked in full below) as it was.
    const texted = await createTestClinic(stack.sql);
    /** An appointment at `startsAt` for a number that takes no texts when `landline` (a text to it came back 30006). */
    const booked = async (key: string, landline: boolean, status = 'booked') => {
      const phone = patientPhone();
      const [row] = await stack.sql<{ id: string }[]>`
        insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, status, workflow_id)
        values (${stack.clinic.id}, ${providerId}, 'Landline Patient', ${phone}, 'en', 'Ortho', 'voice', ${startsAt}, 30, ${status},
                ${`appointment-asked-${stack.clinic.id}-${key}`})
        returning id`;
      if (landline) {
        await stack.sql`
          insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status, error_code)
          values (${texted.clinic.id}, 'outbound', 'sms', ${phone}, ${texted.clinicNumber}, ${phone}, 'Reminder', ${`asked-${stack.clinic.id}-${key}`},
                  'undelivered', 30006)`;
      }
      return { id: row!.id, phone };
    };
    /** A reminder call about the appointment at `about` on which the patient chose `choice`, placed at `at`. @returns `at`, ISO. */
    const called = async (a: { id: string; phone: string }, choice: string, at: string, about = startsAt) => {
      await stack.sql`
        insert into calls (clinic_id, appointment_id, delivery_key, phone, from_address, to_address, language, idempotency_key, status, choice, created_at)
        values (${stack.clinic.id}, ${a.id}, ${appointmentMessageKey(a.id, about, 'reminder')}, ${a.phone}, ${stack.clinicNumber}, ${a.phone}, 'en',
                ${`asked-${a.id}-${at}`}, 'completed', ${choice}, ${at})`;
      return new Date(at).toISOString();
    };
    const asked = await booked('asked', true);
    const askedAt = await called(asked, 'reschedule', '2031-06-30T15:00:00Z');
    const mobile = await booked('mobile', false);
    await called(mobile, 'reschedule', '2031-06-30T15:01:00Z');
    const confirmedLater = await booked('confirmed-later', true);
    await called(confirmedLater, 'reschedule', '2031-06-30T15:02:00Z');
    await called(confirmedLater, 'confirm', '2031-06-30T16:02:00Z');
    const earlierTime = await booked('earlier-time', true);
    await called(earlierTime, 'reschedule', '2031-06-30T15:03:00Z', '2031-06-29T10:30:00.000Z');
    const cancelled = await booked('cancelled', true, 'cancelled');
    await called(cancelled, 'reschedule', '2031-06-30T15:04:00Z');
    const askedToo = await booked('asked-too', true);
    const askedTooAt = await called(askedToo, 'reschedule', '2031-06-30T15:05:00Z');
    const expected = {
      [asked.id]: askedAt,
      [mobile.id]: null,
      [confirmedLater.id]: null,
      [earlierTime.id]: null,
      [cancelled.id]: null,
      [askedToo.id]: askedTooAt,
    };

    const path = `/api/appointments?date=${localDay(startsAt)}`;
    for (const limit of [1, 2, 4, 6]) {
      const seen: Record<string, string | null> = {};
      for (let url: string | null = withQuery(path, 'limit', limit); url !== null;) {
        const body = await json(await stack.api(url));
        for (const a of body.appointments as { id: string; another_time_asked_at: string | null }[]) seen[a.id] = a.another_time_asked_at;
        url = body.next_cursor === null ? null : withQuery(withQuery(path, 'limit', limit), 'cursor', body.next_cursor as string);
      }
      expect(seen, `limit=${limit}`).toEqual(expected);
    }
  });

  it('refuses a cursor it did not give, and a bad limit, naming them', async () => {
    const path = `/api/appointments?date=${localDay('2031-05-01T10:30:00Z')}`;
    const good = await firstCursor(path);
    const [list, filters, at, id] = JSON.parse(Buffer.from(good, 'base64url').toString()) as [string, string, string, string];
    expect(list).toBe('appointments');
    for (const bad of [
      'not a cursor',
      'abc',
      `${good}=`,
      `${good}A`,
      'A'.repeat(300),
      forge('[not json'),
      forge({ at, id }),
      forge([list, at, id]),
      forge([list, null, at, id]),
      forge([list, filters.slice(1), at, id]),
      forge([list, filters, at]),
      forge([list, filters, at, id, 'more']),
      forge(['messages', filters, at, id]),
      forge([list, filters, at, Number(id)]),
      forge([list, filters, at, `0${id}`]),
      forge([list, filters, at, '99999999999999999999']),
      forge([list, filters, '2031-05-01T10:30:00.000Z', id]),
      forge([list, filters, '2031-02-30T10:30:00.000000Z', id]),
      forge([list, filters, '0000-01-01T00:00:00.000000Z', id]),
      forge([list, filters, `${at} `, id]),
    ]) {
      await expectCursorRefused(path, bad);
    }
    await expectLimitRefused(path);
  });
});

describe('GET /api/cancellations', () => {
  const insertCancellation = async (createdAt: string, key: string) =>
    (
      await stack.sql<{ id: string }[]>`
        insert into cancellation_events (clinic_id, provider_id, location, slot_start_at, slot_end_at, created_by, workflow_id, created_at)
        values (${stack.clinic.id}, ${providerId}, 'Room 2', '2031-05-02 10:00:00+00', '2031-05-02 10:30:00+00', 'staff',
                ${`cancellation-pages-${stack.clinic.id}-${key}`}, ${createdAt}::text::timestamptz)
        returning id::text`
    )[0]!.id;

  it('gives every cancellation once, newest first and then by id, at every page size, also past the 500 newest', async () => {
    const [a, b, c, d, e, f] = await insertInOrder((at, n) => insertCancellation(at, `tie-${n}`));
    await expectEveryPageSize('/api/cancellations', 'cancellations', [a!, b!, e!, d!, c!, f!]);

    await stack.sql`update cancellation_events set status = 'aborted', ended_at = now() where id = ${c!}`;
    await expectEveryPageSize('/api/cancellations?status=open', 'cancellations', [a!, b!, e!, d!, f!]);

    // 500 logged since: the six are older than a default page, and still reached by its cursor.
    await stack.sql`
      insert into cancellation_events (clinic_id, provider_id, location, slot_start_at, slot_end_at, created_by, workflow_id, created_at)
      select ${stack.clinic.id}, ${providerId}, 'Room 3', '2031-05-03 10:00:00+00', '2031-05-03 10:30:00+00', 'staff',
             ${`cancellation-pages-bulk-${stack.clinic.id}-`} || g, '2031-05-01 11:00:00+00'::timestamptz + make_interval(secs => g / 4)
      from generate_series(1, 500) g`;
    const first = await json(await stack.api('/api/cancellations'));
    expect(first.cancellations).toHaveLength(500);
    expect(first.cancellations.map((x: { id: string }) => x.id)).not.toContain(f);
    const older = await json(await stack.api(`/api/cancellations?cursor=${first.next_cursor}`));
    expect(older.cancellations.map((x: { id: string }) => x.id)).toEqual([a, b, e, d, c, f]);
    expect(older.next_cursor).toBeNull();
  });

  it('breaks a tie by the number of the id, not its text (10000000000 before 9999999999)', async () => {
    for (const id of ['9999999999', '10000000000']) {
      await stack.sql`
        insert into cancellation_events (id, clinic_id, provider_id, location, slot_start_at, slot_end_at, status, created_by, workflow_id, created_at, ended_at)
        values (${id}, ${stack.clinic.id}, ${providerId}, 'Room 4', '2031-05-04 10:00:00+00', '2031-05-04 10:30:00+00', 'expired', 'staff',
                ${`cancellation-pages-digits-${id}`}, '2031-05-01 09:00:00+00', '2031-05-01 09:30:00+00')`;
    }
    await expectEveryPageSize('/api/cancellations?status=expired', 'cancellations', ['10000000000', '9999999999']);
  });

  it('refuses a cursor it did not give, and a bad limit, naming them', async () => {
    const good = await firstCursor('/api/cancellations');
    const [list, filters, at, id] = JSON.parse(Buffer.from(good, 'base64url').toString()) as [string, string, string, string];
    expect(list).toBe('cancellations');
    for (const bad of ['%%%', forge(['appointments', filters, at, id]), forge([list, filters, at, '-1']), forge([list, filters, 'yesterday', id])]) {
      await expectCursorRefused('/api/cancellations', bad);
    }
    await expectLimitRefused('/api/cancellations');
  });
});

describe('GET /api/messages', () => {
  const insertMessage = async (clinicId: number, phone: string, createdAt: string, body: string) =>
    (
      await stack.sql<{ id: string }[]>`
        insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
        values (${clinicId}, 'inbound', 'sms', ${phone}, ${phone}, ${stack.clinicNumber}, ${body}, 'received', ${createdAt}::text::timestamptz)
        returning id`
    )[0]!.id;

  it("gives every text once, newest first and then by id, at every page size, and a cursor reads only the clinic's own", async () => {
    const phone = patientPhone();
    const [a, b, c, d, e, f] = await insertInOrder((at, n) => insertMessage(stack.clinic.id, phone, at, `text ${n}`));
    const expected = [a!, b!, e!, d!, c!, f!];
    await expectEveryPageSize(`/api/messages?phone=${encodeURIComponent(phone)}`, 'messages', expected);
    await expectEveryPageSize('/api/messages', 'messages', expected);

    // Another clinic's texts from the same number at the same instants: its list is its own, cursor or not.
    const other = (await createTestClinic(stack.sql)).clinic;
    const theirs = await insertInOrder((at, n) => insertMessage(other.id, phone, at, `their text ${n}`));
    await expectEveryPageSize('/api/messages', 'messages', expected);
    const cursor = await firstCursor('/api/messages', 2);
    const theirList = (query: string) =>
      stack.app.request(`/api/messages?clinic=${other.slug}&${query}`, { headers: { Authorization: `Bearer ${stack.adminApiToken}` } });
    // Our cursor on their list is refused as another list's; ours moved onto theirs by a client who
    // knows the format (their filter digest, our place) still reads only theirs.
    expect((await json(await theirList(`cursor=${cursor}`))).error).toMatchObject({ field: 'cursor', message: FILTERS_REFUSED });
    const [list, , at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as string[];
    const theirFilters = (JSON.parse(Buffer.from((await json(await theirList('limit=1'))).next_cursor as string, 'base64url').toString()) as string[])[1];
    const response = await theirList(`cursor=${forge([list, theirFilters, at, id])}`);
    expect(response.status).toBe(200);
    // After our `b` (…10:30:00.000100): their three at 10:30 and the one at 10:15, newest first, none of ours.
    const [, , tc, td, te, tf] = theirs;
    expect((await json(response)).messages.map((m: { id: number }) => String(m.id))).toEqual([te, td, tc, tf]);
  });

  it('keeps 100 a page by default, and refuses a cursor it did not give and a bad limit, naming them', async () => {
    const phone = patientPhone();
    await stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
      select ${stack.clinic.id}, 'outbound', 'sms', ${phone}, ${stack.clinicNumber}, ${phone}, 'bulk ' || g, 'delivered', '2031-05-01 09:00:00+00'
      from generate_series(1, 101) g`;
    const first = await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`));
    expect(first.messages).toHaveLength(100);
    const rest = await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}&cursor=${first.next_cursor}`));
    expect(rest.messages).toHaveLength(1);
    expect(rest.next_cursor).toBeNull();

    const good = await firstCursor('/api/messages');
    const [list, filters, at, id] = JSON.parse(Buffer.from(good, 'base64url').toString()) as [string, string, string, string];
    expect(list).toBe('messages');
    for (const bad of ['', forge(['waitlist', filters, at, id]), forge([list, filters, at.replace('T', ' '), id]), forge([list, filters, null, id])]) {
      await expectCursorRefused('/api/messages', bad);
    }
    await expectLimitRefused('/api/messages');
  });
});

describe('GET /api/waitlist', () => {
  const DAY_MS = 86_400_000;
  const addEntry = async (body: Record<string, unknown>) => {
    const response = await stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone: patientPhone(), ...body }) });
    expect(response.status).toBe(201);
    return (await json(response)).id as string;
  };

  it('gives every entry once by priority, ties by joining and then id, ranking every page of a walk at its first page', async () => {
    const joined = new Date(Date.now() - DAY_MS / 2).toISOString();
    // The current appointment is 30 days away for the next 4 s (5 points), then 29 days (0 points).
    const appointmentAt = Date.now() + 30 * DAY_MS + 4_000;
    const p = await addEntry({ manual_boost: 6, joined_at: joined });
    const q = await addEntry({ current_appt_at: new Date(appointmentAt).toISOString(), joined_at: new Date(Date.now() - DAY_MS).toISOString() });
    const [r1, r2, r3] = [
      await addEntry({ manual_boost: 5, joined_at: joined }),
      await addEntry({ manual_boost: 5, joined_at: joined }),
      await addEntry({ manual_boost: 5, joined_at: joined }),
    ];
    const s = await addEntry({ manual_boost: 1, joined_at: joined });

    const first = await json(await stack.api('/api/waitlist?limit=2'));
    expect(first.entries.map((x: { id: string; score: number }) => [x.id, x.score])).toEqual([
      [p, 6],
      [q, 5],
    ]);
    // Past the 30-day mark `q` scores 0 and now ranks last; the walk goes on as ranked at its first page.
    await new Promise((resolve) => setTimeout(resolve, appointmentAt - 30 * DAY_MS - Date.now() + 250));
    const second = await stack.api(`/api/waitlist?limit=2&cursor=${first.next_cursor}`);
    const secondBody = await json(second);
    const rest = await follow(/^<([^>]+)>/.exec(second.headers.get('Link')!)![1]!, 'entries', 2);
    expect([...first.entries, ...secondBody.entries].map((x: { id: string }) => x.id).concat(rest.ids)).toEqual([p, q, r1, r2, r3, s]);

    // A new walk ranks now.
    await expectEveryPageSize('/api/waitlist', 'entries', [p, r1, r2, r3, s, q]);
  });

  it('refuses a cursor it did not give, and a bad limit, naming them', async () => {
    const good = await firstCursor('/api/waitlist');
    const [list, filters, rankedAt, score, joinedAt, id] = JSON.parse(Buffer.from(good, 'base64url').toString()) as [
      string,
      string,
      string,
      number,
      string,
      string,
    ];
    expect(list).toBe('waitlist');
    for (const bad of [
      forge(['appointments', filters, rankedAt, score, joinedAt, id]),
      forge([list, filters, rankedAt, 101, joinedAt, id]),
      forge([list, filters, rankedAt, -1, joinedAt, id]),
      forge([list, filters, rankedAt, 1.5, joinedAt, id]),
      forge([list, filters, rankedAt, String(score), joinedAt, id]),
      forge([list, filters, rankedAt, score, `${joinedAt.slice(0, 23)}000Z`, id]),
      forge([list, filters, 'now', score, joinedAt, id]),
      forge([list, filters, rankedAt, score, joinedAt]),
    ]) {
      await expectCursorRefused('/api/waitlist', bad);
    }
    await expectLimitRefused('/api/waitlist');
  });
});

describe('a cursor goes on only with the filters of the page that gave it', () => {
  // A clinic of these tests' own, so each filtered list holds exactly the rows made here.
  let own: { id: number; slug: string; timezone: string };
  let ownProvider: number;
  beforeAll(async () => {
    own = (await createTestClinic(stack.sql)).clinic;
    ownProvider = (await findOrCreateProvider(stack.sql, own.id, 'Dr Filters')).id;
  });

  /** `GET path` as staff, at clinic `clinic` (default: this describe's own), `method` and `body` for a write. */
  const request = (path: string, clinic = own.slug, init: RequestInit = {}) => {
    const url = new URL(path, 'http://localhost');
    url.searchParams.set('clinic', clinic);
    return stack.app.request(`${url.pathname}${url.search}`, {
      ...init,
      headers: { Authorization: `Bearer ${stack.adminApiToken}`, 'Content-Type': 'application/json' },
    });
  };

  /**
   * Reads the first page of `path` one row at a time and takes its cursor; that cursor with each of
   * `changed` (the same list with other filters, at their clinic) is a 400 naming `cursor`, and the
   * list is not read; then with `path`'s own filters (however `same` writes them) and a page size of
   * 10 it still gives the rest, `rest`, as before.
   */
  async function expectHeldToFilters(path: string, field: string, rest: string[], changed: { path: string; clinic?: string }[], same: string[] = [path]) {
    const first = await json(await request(withQuery(path, 'limit', 1)));
    expect(first[field]).toHaveLength(1);
    const cursor = first.next_cursor as string;
    for (const other of changed) {
      const response = await request(withQuery(other.path, 'cursor', cursor), other.clinic);
      expect(response.status, `${other.path} at ${other.clinic ?? own.slug}`).toBe(400);
      expect(await json(response), other.path).toEqual({ error: { code: 'bad_request', field: 'cursor', message: FILTERS_REFUSED } });
    }
    for (const written of same) {
      const response = await request(withQuery(withQuery(written, 'limit', 10), 'cursor', cursor));
      expect(response.status, written).toBe(200);
      const body = await json(response);
      expect(
        body[field].map((item: { id: string | number }) => String(item.id)),
        written,
      ).toEqual(rest);
      expect(body.next_cursor, written).toBeNull();
    }
  }

  it('GET /api/appointments: the same date, status and clinic', async () => {
    const startsAt = '2031-08-01T10:30:00Z';
    const ids: string[] = [];
    for (const [n, status] of ['booked', 'booked', 'cancelled', 'booked'].entries()) {
      const [row] = await stack.sql<{ id: string }[]>`
        insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, status, workflow_id)
        values (${own.id}, ${ownProvider}, 'Filter Patient', ${patientPhone()}, 'en', 'Ortho', 'sms', ${startsAt}::timestamptz + make_interval(mins => ${n}),
                30, ${status}, ${`appointment-filters-${own.id}-${n}`})
        returning id`;
      ids.push(row!.id);
    }
    const day = DateTime.fromISO(startsAt, { zone: 'utc' }).setZone(own.timezone);
    const path = `/api/appointments?date=${day.toISODate()}&status=booked`;
    await expectHeldToFilters(
      path,
      'appointments',
      [ids[1]!, ids[3]!],
      [
        { path: `/api/appointments?date=${day.toISODate()}&status=cancelled` },
        { path: `/api/appointments?date=${day.toISODate()}` },
        { path: `/api/appointments?date=${day.plus({ days: 1 }).toISODate()}&status=booked` },
        { path: '/api/appointments?status=booked' },
        { path, clinic: stack.clinic.slug },
      ],
    );
  });

  it('GET /api/cancellations: the same status and clinic', async () => {
    const ids: string[] = [];
    for (const [n, status] of ['expired', 'expired', 'aborted', 'expired'].entries()) {
      const [row] = await stack.sql<{ id: string }[]>`
        insert into cancellation_events (clinic_id, provider_id, location, slot_start_at, slot_end_at, status, created_by, workflow_id, created_at, ended_at)
        values (${own.id}, ${ownProvider}, 'Room 5', '2031-08-02 10:00:00+00', '2031-08-02 10:30:00+00', ${status}, 'staff',
                ${`cancellation-filters-${own.id}-${n}`}, '2031-08-01 09:00:00+00'::timestamptz - make_interval(mins => ${n}), '2031-08-01 09:30:00+00')
        returning id::text`;
      ids.push(row!.id);
    }
    await expectHeldToFilters(
      '/api/cancellations?status=expired',
      'cancellations',
      [ids[1]!, ids[3]!],
      [{ path: '/api/cancellations?status=aborted' }, { path: '/api/cancellations' }, { path: '/api/cancellations?status=expired', clinic: stack.clinic.slug }],
    );
  });

  it('GET /api/messages: the same patient (however the number is written) and clinic', async () => {
    const [patient, another] = [patientPhone(), patientPhone()];
    const ids: string[] = [];
    for (const [n, phone] of [patient, patient, another, patient].entries()) {
      const [row] = await stack.sql<{ id: string }[]>`
        insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
        values (${own.id}, 'inbound', 'sms', ${phone}, ${phone}, '+12025550100', ${`filtered ${n}`}, 'received', '2031-08-01 09:00:00+00'::timestamptz - make_interval(mins => ${n}))
        returning id`;
      ids.push(row!.id);
    }
    const path = `/api/messages?phone=${encodeURIComponent(patient)}`;
    await expectHeldToFilters(
      path,
      'messages',
      [ids[1]!, ids[3]!],
      [{ path: `/api/messages?phone=${encodeURIComponent(another)}` }, { path: '/api/messages' }, { path, clinic: stack.clinic.slug }],
      [path, `/api/messages?phone=${patient.slice(2)}`],
    );
  });

  it('GET /api/waitlist: the same clinic', async () => {
    const ids: string[] = [];
    for (const boost of [3, 2, 1]) {
      const response = await request('/api/waitlist', own.slug, { method: 'POST', body: JSON.stringify({ phone: patientPhone(), manual_boost: boost }) });
      expect(response.status).toBe(201);
      ids.push((await json(response)).id as string);
    }
    await expectHeldToFilters('/api/waitlist', 'entries', ids.slice(1), [{ path: '/api/waitlist', clinic: stack.clinic.slug }]);
  });
});
