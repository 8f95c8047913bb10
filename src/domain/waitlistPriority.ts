/**
 * The waitlist's priority rule, exactly as issue 10 of this repository ("Priority") states it:
 *
 *   score = 30 if urgent
 *         + manual boost (0–40)
 *         + 20 if the current appointment is ≥ 180 days away, else 10 if ≥ 90, else 5 if ≥ 30
 *           (0 with no current appointment)
 *         + min(⌊days on the waitlist ÷ 30⌋, 10)
 *
 * Ties go to who joined first, then to the entry created first (the lower id), so every reader (the
 * API's pages, the Waitlist page, a round of offers) puts tied entries in one order. Days are whole days of 24 hours between UTC instants, counted from
 * `now` and rounded down: an appointment 29 days and 23 hours away is 29 days away; one already past is
 * less than 0 days away (0 points). Pure: no clock and no I/O, so the API and the offer workflow rank alike.
 */

/** One day in milliseconds: days are counted in whole 24-hour periods of UTC time. */
const DAY_MS = 86_400_000;

/** Points for an urgent entry. */
export const URGENT_POINTS = 30;
/** Highest manual boost staff may give (the `waitlist_entries.manual_boost` check in db/migrations). */
export const MAX_MANUAL_BOOST = 40;
/** Most points seniority gives: one per 30 days on the waitlist, up to this. */
export const MAX_SENIORITY_POINTS = 10;

/** Points by how far away the current appointment is: the first row whose `days` it reaches. */
const APPOINTMENT_WAIT_POINTS = [
  { days: 180, points: 20 },
  { days: 90, points: 10 },
  { days: 30, points: 5 },
] as const;

/** The highest score the rule gives: urgent, the full boost, the farthest appointment and full seniority (100). */
export const MAX_SCORE = URGENT_POINTS + MAX_MANUAL_BOOST + APPOINTMENT_WAIT_POINTS[0].points + MAX_SENIORITY_POINTS;

/** What the rule reads from a waitlist entry. Instants are UTC `Date`s. */
export interface PriorityFacts {
  urgent: boolean;
  /** 0–40, as staff set it. */
  manualBoost: number;
  /** The patient's current appointment, or null when they have none. */
  currentApptAt: Date | null;
  /** When the patient joined the waitlist. */
  joinedAt: Date;
}

/** A score and its parts (points); `score` is their sum. */
export interface Priority {
  score: number;
  /** 30 when urgent, else 0. */
  urgent: number;
  /** The manual boost, 0–40. */
  manualBoost: number;
  /** 20 / 10 / 5 / 0 by how far away the current appointment is. */
  appointmentWait: number;
  /** ⌊days on the waitlist ÷ 30⌋, at most 10. */
  seniority: number;
}

/** Whole days from `from` to `to` (UTC instants), rounded down; negative when `to` is before `from`. */
function wholeDaysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/**
 * The priority of `facts` at `now` (issue 10, "Priority"; see the module docstring for the rule and how
 * days are counted). A join time after `now` counts as 0 days on the waitlist.
 * @returns the score and its parts, in points.
 */
export function waitlistPriority(facts: PriorityFacts, now: Date): Priority {
  const urgent = facts.urgent ? URGENT_POINTS : 0;
  const daysAway = facts.currentApptAt === null ? undefined : wholeDaysBetween(now, facts.currentApptAt);
  const appointmentWait = daysAway === undefined ? 0 : (APPOINTMENT_WAIT_POINTS.find((row) => daysAway >= row.days)?.points ?? 0);
  const daysWaiting = Math.max(0, wholeDaysBetween(facts.joinedAt, now));
  const seniority = Math.min(Math.floor(daysWaiting / 30), MAX_SENIORITY_POINTS);
  return { score: urgent + facts.manualBoost + appointmentWait + seniority, urgent, manualBoost: facts.manualBoost, appointmentWait, seniority };
}

/** Where an entry stands in the ranking: its score at the ranking's instant, when it joined, and its id (a Postgres bigint in decimal). */
export interface RankKey {
  score: number;
  joinedAt: Date;
  id: string;
}

/**
 * Negative when the entry with key `a` ranks before the one with key `b`: the higher score first, then
 * who joined first, then the lower id (compared as a number, so "9" before "10"); 0 only for the same entry.
 */
export function compareRank(a: RankKey, b: RankKey): number {
  const [idA, idB] = [BigInt(a.id), BigInt(b.id)];
  return b.score - a.score || a.joinedAt.getTime() - b.joinedAt.getTime() || (idA < idB ? -1 : idA > idB ? 1 : 0);
}

/** The rank key of a ranked entry. */
export const rankKeyOf = (entry: PriorityFacts & { id: string; priority: Priority }): RankKey => ({
  score: entry.priority.score,
  joinedAt: entry.joinedAt,
  id: entry.id,
});

/**
 * `entries` (each with its waitlist entry `id`) with their priority at `now`, best first, in the
 * order of `compareRank`. Does not change `entries`.
 */
export function rankByPriority<E extends PriorityFacts & { id: string }>(entries: readonly E[], now: Date): (E & { priority: Priority })[] {
  return entries.map((entry) => ({ ...entry, priority: waitlistPriority(entry, now) })).sort((a, b) => compareRank(rankKeyOf(a), rankKeyOf(b)));
}
