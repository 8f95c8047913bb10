/**
 * Local times of day, written `HH:MM` (24-hour, 00:00 to 23:59), as settings and configuration take
 * them. Zero-padded, so two of them compare correctly as strings.
 */
import { z } from 'zod';

/** `HH:MM`, 24-hour: `08:00`, `17:30`. */
export const CLOCK_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The message of a value that is not `HH:MM`. */
export const CLOCK_TIME_MESSAGE = 'must be a time of day HH:MM such as 08:00';

/** A local time of day `HH:MM` (see `CLOCK_TIME_PATTERN`). */
export const ZClockTime = z.string({ error: CLOCK_TIME_MESSAGE }).regex(CLOCK_TIME_PATTERN, CLOCK_TIME_MESSAGE);
