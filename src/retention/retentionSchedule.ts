/**
 * The Temporal Schedule that runs the retention purge every hour (`client.schedule.create`), made at
 * start by `npm start` and by every `npm run worker`: creating it again finds it there and changes
 * nothing, so any number of processes may start at once. A missed run is caught up within the hour,
 * and a run still going when the next falls due makes that one skip (overlap SKIP).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RETENTION_PURGE_WORKFLOW, retentionScheduleId, retentionWorkflowId } from '../workflows/retentionDefinitions.js';

/** How often the purge runs. Retention is counted in days, so an hour late is never late. */
export const RETENTION_PURGE_EVERY = '1 hour';

/**
 * Creates the retention schedule for the workers on `taskQueue` unless it exists. @returns whether
 * this call created it.
 * @throws the client's errors other than "already exists" (Temporal unreachable, no permission).
 */
export async function ensureRetentionSchedule(client: Client, taskQueue: string): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: retentionScheduleId(taskQueue),
      spec: { intervals: [{ every: RETENTION_PURGE_EVERY }] },
      action: { type: 'startWorkflow', workflowType: RETENTION_PURGE_WORKFLOW, workflowId: retentionWorkflowId(taskQueue), taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: RETENTION_PURGE_EVERY },
      memo: { purpose: 'Frontdesk retention: purges message bodies and phone numbers older than each clinic retention_days' },
    });
    return true;
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return false;
    throw error;
  }
}
