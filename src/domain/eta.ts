/**
 * Wait estimates. ETA = average service time × people ahead ÷ rooms open, where the average is over
 * the clinic's last `SERVICE_TIME_SAMPLE` tickets seen to the end (time in room).
 */

/** How many recent done tickets the rolling average uses. */
export const SERVICE_TIME_SAMPLE = 20;
/** Average service time used until a clinic has any done ticket, in minutes. */
export const DEFAULT_SERVICE_MINUTES = 10;

/** Estimated wait in whole minutes (rounded up), given the people ahead and the average in minutes. */
export function estimateWaitMinutes(input: { peopleAhead: number; averageServiceMinutes: number; roomsOpen: number }): number {
  const rooms = Math.max(1, input.roomsOpen);
  return Math.ceil((input.averageServiceMinutes * input.peopleAhead) / rooms);
}
