/**
 * Wait estimates. ETA = typical service time × people ahead ÷ rooms open, where the typical service
 * time is the median time in room over the clinic's last `SERVICE_TIME_SAMPLE` tickets seen to the end
 * (`typicalServiceTime` in src/queue/readQueue.ts).
 */

/** How many recent done tickets the service times (the ETA's median, the board's average) are taken over. */
export const SERVICE_TIME_SAMPLE = 20;
/** Service time used until a clinic has any done ticket, in minutes. */
export const DEFAULT_SERVICE_MINUTES = 10;

/** Estimated wait in whole minutes (rounded up), given the people ahead and the service time in minutes. */
export function estimateWaitMinutes(input: { peopleAhead: number; serviceMinutes: number; roomsOpen: number }): number {
  const rooms = Math.max(1, input.roomsOpen);
  return Math.ceil((input.serviceMinutes * input.peopleAhead) / rooms);
}
