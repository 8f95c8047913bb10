/**
 * Staff read one patient's texts a page at a time (`GET /api/messages?phone=`, `listMessages`): each
 * page, the first and one after a cursor, is read from `messages_by_clinic_phone` in index order (the
 * clinic, the number, newest first, then `id`), with no sort of the clinic's texts in memory, however
 * many texts other patients and other clinics have; and it holds exactly that patient's newest texts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql } from '../../src/db/sql.js';
import { listMessages } from '../../src/messaging/listMessages.js';
import { createTestClinic } from '../support/clinic.js';
import { nodesOf, planOf, tracingSql } from '../support/queryPlan.js';
import { patientPhone } from '../support/stack.js';

const sql = createSql(inject('databaseUrl'));
/** Every query `listMessages` sends through `traced`, with its parameters, as postgres.js sent them. */
const { sql: traced, sent } = tracingSql(inject('databaseUrl'));
afterAll(() => Promise.all([sql.end(), traced.end()]));

let clinicId: number;
const patient = patientPhone();
beforeAll(async () => {
  const [{ clinic }, { clinic: other }] = [await createTestClinic(sql), await createTestClinic(sql)];
  clinicId = clinic.id;
  const others = Array.from({ length: 40 }, () => patientPhone());
  // The patient's 300 texts among 8,000 of 40 other patients at this clinic, and 4,000 from the same
  // number at another clinic: one minute apart, newest last, the patient's in every 30th minute.
  await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
    select ${clinic.id}, 'inbound', 'sms', p, p, '+12025550100', 'text ' || g, 'received', '2031-09-01 09:00:00+00'::timestamptz + make_interval(mins => g)
    from generate_series(1, 8000) g, lateral (select (${others}::text[])[1 + g % 40] as p) x`;
  await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
    select ${clinic.id}, 'inbound', 'sms', ${patient}, ${patient}, '+12025550100', 'mine ' || g, 'received',
           '2031-09-01 09:00:30+00'::timestamptz + make_interval(mins => 30 * g)
    from generate_series(1, 300) g`;
  await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
    select ${other.id}, 'inbound', 'sms', ${patient}, ${patient}, '+12025550100', 'elsewhere ' || g, 'received',
           '2031-09-01 09:00:15+00'::timestamptz + make_interval(mins => g)
    from generate_series(1, 4000) g`;
  await sql`analyze messages`;
});

describe("one patient's page of the message log", () => {
  it('is read through messages_by_clinic_phone in index order, with no sort, first page and after a cursor', async () => {
    sent.length = 0;
    const first = await listMessages(traced, clinicId, { phone: patient }, { limit: 50 });
    const second = await listMessages(traced, clinicId, { phone: patient }, { limit: 50, after: first.next! });
    expect(first.items.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `mine ${300 - i}`));
    expect(second.items.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `mine ${250 - i}`));

    // postgres.js reads the server's types once on a new connection: only the log's queries count.
    const pages = sent.filter((q) => /\bfrom messages\b/.test(q.query));
    expect(pages).toHaveLength(2);
    for (const query of pages) {
      const nodes = nodesOf(await planOf(sql, query));
      expect(
        nodes.map((n) => n['Index Name']),
        query.query,
      ).toContain('messages_by_clinic_phone');
      expect(
        nodes.map((n) => n['Node Type']),
        query.query,
      ).not.toEqual(expect.arrayContaining([expect.stringMatching(/Sort/)]));
    }
  });
});
