/**
 * Staff read one patient's texts and calls together on the Messages and calls page
 * (`/admin/messages?phone=`, `listLogPage`): each page, the first and the one after it, reads the
 * patient's calls from `calls_by_clinic_phone` and their texts from `messages_by_clinic_phone`, each
 * in index order with no sort of the clinic's log in memory, however many calls and texts other
 * patients and other clinics have; and it holds exactly that patient's newest entries, texts and
 * calls interleaved.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql } from '../../src/db/sql.js';
import { listLogPage } from '../../src/messaging/messageLog.js';
import { createTestClinic } from '../support/clinic.js';
import { nodesOf, planOf, tracingSql, type PlanNode } from '../support/queryPlan.js';
import { patientPhone } from '../support/stack.js';

const sql = createSql(inject('databaseUrl'));
const { sql: traced, sent } = tracingSql(inject('databaseUrl'));
afterAll(() => Promise.all([sql.end(), traced.end()]));

let clinicId: number;
const patient = patientPhone();
beforeAll(async () => {
  const [{ clinic }, { clinic: other }] = [await createTestClinic(sql), await createTestClinic(sql)];
  clinicId = clinic.id;
  const others = Array.from({ length: 40 }, () => patientPhone());
  // At this clinic 6,000 calls and 6,000 texts of 40 other patients, one minute apart; the patient's 60
  // calls every 60 minutes and 60 texts every 60 minutes, half an hour after each call; and 3,000 calls
  // to the same number from another clinic.
  await sql`
    insert into calls (clinic_id, phone, from_address, to_address, language, idempotency_key, status, created_at)
    select ${clinic.id}, p, '+12025550100', p, 'en', 'log-other-' || g, 'completed', '2031-09-01 09:00:00+00'::timestamptz + make_interval(mins => g)
    from generate_series(1, 6000) g, lateral (select (${others}::text[])[1 + g % 40] as p) x`;
  await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
    select ${clinic.id}, 'inbound', 'sms', p, p, '+12025550100', 'text ' || g, 'received', '2031-09-01 09:00:00+00'::timestamptz + make_interval(mins => g)
    from generate_series(1, 6000) g, lateral (select (${others}::text[])[1 + g % 40] as p) x`;
  await sql`
    insert into calls (clinic_id, phone, from_address, to_address, language, idempotency_key, status, created_at)
    select ${clinic.id}, ${patient}, '+12025550100', ${patient}, 'en', 'log-mine-' || ${patient} || '-' || g, 'completed',
           '2031-09-01 09:00:10+00'::timestamptz + make_interval(mins => 60 * g)
    from generate_series(1, 60) g`;
  await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
    select ${clinic.id}, 'inbound', 'sms', ${patient}, ${patient}, '+12025550100', 'mine ' || g, 'received',
           '2031-09-01 09:30:10+00'::timestamptz + make_interval(mins => 60 * g)
    from generate_series(1, 60) g`;
  await sql`
    insert into calls (clinic_id, phone, from_address, to_address, language, idempotency_key, status, created_at)
    select ${other.id}, ${patient}, '+12025550100', ${patient}, 'en', 'log-elsewhere-' || ${patient} || '-' || g, 'completed',
           '2031-09-01 09:00:20+00'::timestamptz + make_interval(mins => g)
    from generate_series(1, 3000) g`;
  await sql`analyze calls`;
  await sql`analyze messages`;
});

/** The index a plan node reads, if any. */
const indexOf = (node: PlanNode) => node['Index Name'];

describe("one patient's page of the messages and calls log", () => {
  it('is read through calls_by_clinic_phone and messages_by_clinic_phone in index order, first page and the next', async () => {
    sent.length = 0;
    const first = await listLogPage(traced, clinicId, { phone: patient }, { limit: 20 });
    const second = await listLogPage(traced, clinicId, { phone: patient }, { limit: 20, from: { direction: 'older', key: first.older! } });
    // Newest first: the text of hour 60, the call of hour 60, the text of hour 59, …
    const at = (minutes: number) => new Date(Date.parse('2031-09-01T09:00:10Z') + minutes * 60_000).toISOString();
    const expected = Array.from({ length: 60 }, (_, i) => [`message ${at(60 * (60 - i) + 30)}`, `call ${at(60 * (60 - i))}`]).flat();
    const shown = (page: typeof first) => page.entries.map((e) => `${e.kind} ${e.createdAt.toISOString()}`);
    expect(shown(first)).toEqual(expected.slice(0, 20));
    expect(shown(second)).toEqual(expected.slice(20, 40));
    expect([...first.entries, ...second.entries].map((e) => e.phone)).toEqual(Array(40).fill(patient));

    const pages = sent.filter((q) => /\bfrom calls\b/.test(q.query));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const query of pages) {
      const root = await planOf(sql, query);
      // The union's halves: each reads its table's index in order and stops at the page's size.
      const halves = (root.Plans ?? []).flatMap(nodesOf).filter((n) => n['Node Type'] === 'Limit');
      expect(halves, query.query).toHaveLength(2);
      for (const half of halves) {
        const nodes = nodesOf(half).slice(1);
        expect(nodes.map(indexOf), query.query).toEqual(expect.arrayContaining([expect.stringMatching(/^(calls|messages)_by_clinic_phone$/)]));
        expect(
          nodes.map((n) => n['Node Type']),
          query.query,
        ).not.toEqual(expect.arrayContaining([expect.stringMatching(/Sort/)]));
      }
      expect(nodesOf(root).map(indexOf), query.query).toEqual(expect.arrayContaining(['calls_by_clinic_phone', 'messages_by_clinic_phone']));
    }
  });
});
