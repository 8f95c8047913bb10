/**
 * An API and a worker started together both migrate a new database, and both start: one applies the
 * migrations, including one that builds an index `concurrently` outside a transaction, while the
 * other waits its turn without holding the snapshot that build waits for, then finds nothing to do.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import { createSql } from '../../src/db/sql.js';

const admin = createSql(inject('databaseUrl'));
const name = `migrate_together_${process.pid}`;
afterAll(async () => {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('two processes migrating one new database at once', () => {
  it('both succeed, the migrations applied once, every index valid', async () => {
    await admin.unsafe(`create database ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    const [api, worker] = await Promise.all([migrateDatabase(url.toString()), migrateDatabase(url.toString())]);
    expect([api.length, worker.length].sort()).toEqual([0, expect.any(Number)]);
    const applied = [...api, ...worker];
    expect(applied).toEqual(expect.arrayContaining(['1763802300000_messages-by-clinic-phone', '1763803000000_calls-by-clinic-phone']));

    const db = createSql(url.toString(), { max: 1 });
    try {
      expect((await db<{ n: number }[]>`select count(*)::int as n from pgmigrations`)[0]!.n).toBe(applied.length);
      expect(await db`select indexrelid::regclass::text as name from pg_index where not indisvalid`).toEqual([]);
      for (const index of ['messages_by_clinic_phone', 'calls_by_clinic_phone'])
        expect(await db`select 1 from pg_indexes where indexname = ${index}`, index).toHaveLength(1);
    } finally {
      await db.end();
    }
  });
});
