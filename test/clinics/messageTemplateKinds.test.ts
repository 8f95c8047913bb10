/**
 * The kinds of message template the database takes are exactly the kinds the code writes and staff
 * can edit: a kind added in code without its row in `message_template_kinds` would fail the first
 * time a clinic saved its own wording of it.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createSql } from '../../src/db/sql.js';
import { MESSAGE_KINDS } from '../../src/domain/messageTemplates.js';
import { createTestClinic } from '../support/clinic.js';

const sql = createSql(inject('databaseUrl'));
afterAll(() => sql.end());

describe('message template kinds in the database', () => {
  it('are the kinds of the code, no more and no fewer', async () => {
    const rows = await sql<{ kind: string }[]>`select kind from message_template_kinds order by kind`;
    expect(rows.map((row) => row.kind)).toEqual([...MESSAGE_KINDS].sort());
  });

  it('refuse a template of a kind the code does not have', async () => {
    const { clinic } = await createTestClinic(sql);
    await expect(sql`insert into message_templates (clinic_id, kind, language, body) values (${clinic.id}, 'call_unknown', 'en', 'Hello')`).rejects.toThrow(
      /message_templates_kind_fkey/,
    );
  });
});
