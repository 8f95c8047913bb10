/**
 * Postgres's plan for a query a test captured from postgres.js's `debug` hook, to check which index a
 * read goes through and whether it sorts in memory.
 */
import postgres from 'postgres';
import type { Sql } from '../../src/db/sql.js';

/** One node of `explain (format json)`'s plan: its type, the index it reads (if any), its children. */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** A query as postgres.js sent it: its text and its parameters. */
export interface SentQuery {
  query: string;
  parameters: unknown[];
}

/** The nodes of `plan`, depth first. */
export const nodesOf = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];

/** Postgres's plan for `query` with `parameters` (`explain`, not run), as its root node. */
export async function planOf(sql: Sql, { query, parameters }: SentQuery): Promise<PlanNode> {
  const [row] = await sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`explain (format json) ${query}`, parameters as postgres.ParameterOrJSON<never>[]);
  return row!['QUERY PLAN'][0].Plan;
}

/**
 * A one-connection client of `databaseUrl` that records every query it sends, with its parameters,
 * in `sent` (postgres.js's `debug` hook), for `planOf`. End it with `sql.end()`.
 */
export function tracingSql(databaseUrl: string): { sql: Sql; sent: SentQuery[] } {
  const sent: SentQuery[] = [];
  const sql = postgres(databaseUrl, {
    max: 1,
    onnotice: () => undefined,
    debug: (_connection, query, parameters) => sent.push({ query, parameters: parameters as unknown[] }),
  });
  return { sql, sent };
}
