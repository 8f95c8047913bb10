/**
 * LISTEN on a Postgres channel that survives a lost connection (a Postgres restart, a network cut).
 *
 * postgres.js's own `sql.listen` listens again once when its listening connection closes; if Postgres
 * is still down at that moment, it keeps the failed LISTEN and every later `listen` on the channel
 * fails with it, so a live board would stay deaf after an outage. So each listener here has a client
 * of its own (one connection) and checks it every RELISTEN_CHECK_MS: a check that fails ends that
 * client, and the next check listens on a new one.
 */
import postgres from 'postgres';
import type { Sql } from './sql.js';

/** How often a listener makes sure its LISTEN is alive (ms). */
export const RELISTEN_CHECK_MS = 2_000;

/** What a listener is told. */
export interface ChannelHandlers {
  /** Each NOTIFY's payload on the channel. */
  onPayload: (payload: string) => void;
  /** It listens again on a new connection after losing one: notices in between went unheard. */
  onResync: () => void;
}

/**
 * Listens on `channel` with the connection settings of `sql` (its own connection, not the pool's).
 * @returns a function that stops listening and closes that connection.
 * @throws when Postgres cannot be reached for the first LISTEN.
 */
export async function listenChannel(sql: Sql, channel: string, handlers: ChannelHandlers): Promise<() => Promise<void>> {
  // A client with the pool's parsed options (as postgres.js builds its own listening client): one
  // connection that never idles out. It opens its LISTEN connection on the first `listen`.
  const newClient = () => postgres({ ...sql.options, max: 1, idle_timeout: null, max_lifetime: null } as unknown as postgres.Options<Record<string, never>>);
  let client = newClient();
  let pid = (await client.listen(channel, handlers.onPayload)).state.pid;
  // False once a check found the client broken: the next check listens on a new client.
  let alive = true;
  let stopped = false;

  const check = async () => {
    try {
      if (!alive) {
        client = newClient();
        pid = (await client.listen(channel, handlers.onPayload)).state.pid;
        alive = true;
        if (!stopped) handlers.onResync();
        return;
      }
      // No query while the channel is alive; after postgres.js listened again, a new connection's pid.
      const probe = await client.listen(channel, () => undefined);
      await probe.unlisten();
      if (probe.state.pid !== pid) {
        pid = probe.state.pid;
        if (!stopped) handlers.onResync();
      }
    } catch {
      // Postgres is away, or the client kept a failed LISTEN: drop it; the next check starts afresh.
      alive = false;
      await client.end({ timeout: 0 }).catch(() => undefined);
    }
  };
  let checking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    checking = checking.then(check);
  }, RELISTEN_CHECK_MS);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await checking;
    await client.end({ timeout: 1 });
  };
}
