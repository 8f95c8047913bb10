/**
 * The process logger (pino): JSON lines on stdout, one per event.
 */
import { pino, type Logger } from 'pino';

/** A logger at `level` named `name` (`api`, `worker`, `start`). */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, base: { name } });
}
