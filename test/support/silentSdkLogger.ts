import type { Logger } from '@temporalio/common';

/** A Temporal SDK logger (Runtime, workflow bundler) that drops every line; tests read outcomes, not logs. */
export const silentSdkLogger: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
