/**
 * One retention run, started by the retention schedule: purges what every clinic keeps beyond its
 * `retention_days` (the activity does the work in Postgres) and returns the counts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention.js';
import type { PurgeCounts } from '../retention/purgeExpiredRecords.js';

const retention = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '50 minutes',
  retry: { maximumInterval: '1 minute' },
});

/** Purges expired patient data at every clinic. @returns what was purged. */
export async function retentionPurgeWorkflow(): Promise<PurgeCounts> {
  return retention.purgeExpiredRecords();
}
