/**
 * "The line changed" events over Postgres LISTEN/NOTIFY, so the board in the API process updates
 * live when the worker's activities write a ticket, whichever process that is.
 */
import type { Sql } from '../db/sql.js';

const CHANNEL = 'frontdesk_queue';
/** How often a listener makes sure its LISTEN survived a lost connection (ms). */
const RELISTEN_CHECK_MS = 2_000;

/** Tells listeners that clinic `clinicId`'s line changed. */
export async function notifyQueueChanged(sql: Sql, clinicId: number): Promise<void> {
  await sql.notify(CHANNEL, String(clinicId));
}

/**
 * The same notice as `notifyQueueChanged`, as an expression to select inside the statement that
 * changes the line (`with moved as (update …) select <this> from moved`): Postgres sends it when that
 * statement's transaction commits, so listeners never read the line before the change, and the
 * change and its notice cost one round trip.
 */
export function queueChangedNotice(sql: Sql, clinicId: number): ReturnType<Sql> {
  return sql`pg_notify(${CHANNEL}, ${String(clinicId)})`;
}

/**
 * Calls `onChange(clinicId)` on every change, and `onChange(undefined)` when it listens again on a
 * new connection after losing one (a Postgres restart): changes in between went unheard, so every
 * line may have changed. postgres.js listens again once when its listening connection closes, and
 * gives up for good if Postgres is still down then; so every 2 s this listens anew (no query while
 * the channel is alive) until it succeeds. @returns a function that stops listening.
 */
export async function listenQueueChanges(sql: Sql, onChange: (clinicId: number | undefined) => void): Promise<() => Promise<void>> {
  // Each attempt listens with a callback of its own, and only the last attempt that succeeded is
  // heard: a failed attempt leaves its callback in postgres.js's channel, which re-listens it later.
  let heard = 0;
  const listen = (attempt: number) =>
    sql.listen(CHANNEL, (payload) => {
      if (attempt === heard) onChange(Number(payload));
    });
  let attempts = 0;
  let listening = await listen(attempts);
  let pid = listening.state.pid;
  let check: Promise<void> = Promise.resolve();
  let stopped = false;

  const listenAgain = async () => {
    try {
      const attempt = ++attempts;
      const renewed = await listen(attempt);
      const previous = listening;
      heard = attempt;
      listening = renewed;
      await previous.unlisten();
      if (renewed.state.pid !== pid) {
        pid = renewed.state.pid;
        if (!stopped) onChange(undefined);
      }
    } catch {
      // Postgres is still away: the next check tries again.
    }
  };
  const timer = setInterval(() => {
    check = check.then(listenAgain);
  }, RELISTEN_CHECK_MS);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await check;
    heard = -1;
    await listening.unlisten();
  };
}
