/**
 * The retention purge's contract: the workflow type the schedule starts and the IDs of the schedule
 * and its runs, one per task queue (so a deployment, or a test, owns its own). No Node imports.
 */

/** The workflow type a retention run executes. */
export const RETENTION_PURGE_WORKFLOW = 'retentionPurgeWorkflow';

/** The Temporal Schedule that starts a purge every hour, for the workers on `taskQueue`. */
export const retentionScheduleId = (taskQueue: string) => `retention-purge-${taskQueue}`;

/** The workflow ID each scheduled run takes (the schedule appends the time it fires). */
export const retentionWorkflowId = (taskQueue: string) => `retention-purge-${taskQueue}`;
