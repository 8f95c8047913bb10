/**
 * The retention purge as an activity (src/retention/purgeExpiredRecords.ts): idempotent, since a
 * purged row is never purged again.
 */
import type { Sql } from '../db/sql.js';
import { purgeExpiredRecords, type PurgeCounts } from '../retention/purgeExpiredRecords.js';

/** The retention activities, bound to a Postgres pool. */
export function createRetentionActivities({ sql }: { sql: Sql }) {
  return {
    /** Purges every clinic's message bodies and phone numbers older than its `retention_days`. @returns the totals. */
    async purgeExpiredRecords(): Promise<PurgeCounts> {
      return purgeExpiredRecords(sql);
    },
  };
}

/** The retention activities' types, for `proxyActivities` in the workflow. */
export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
