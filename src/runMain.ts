/**
 * The top of every entry point: runs `main`, and turns a failure into a short message and exit code 1
 * (a configuration error prints just the variables at fault, never a stack trace).
 */
import { ConfigError } from './config.js';

/** Runs `main` for the process named `name`; exits 1 with a readable message when it throws. */
export async function runMain(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${name}: ${error.message}`);
    } else {
      console.error(`${name}: failed to run:`, error instanceof Error ? (error.stack ?? error.message) : error);
    }
    process.exit(1);
  }
}
