/**
 * The Temporal floor's trivial workflow: it does nothing but answer a no-op update, and waits until
 * terminated. Bundled into the floor process's worker on its own task queue (`FLOOR_TASK_QUEUE`), so
 * an update-with-start or an update on it costs exactly the Temporal round trips a JOIN or a staff
 * move cannot avoid, on the same server, with nothing of Frontdesk's (no codec, no activity).
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** The no-op update: returns null at once. */
export const noopUpdate = defineUpdate<null>('noop');

/** Task queue of the floor's worker. */
export const FLOOR_TASK_QUEUE = 'bench-floor';

/** Answers `noopUpdate` until terminated. */
export async function floorWorkflow(): Promise<void> {
  setHandler(noopUpdate, () => null);
  await condition(() => false);
}
