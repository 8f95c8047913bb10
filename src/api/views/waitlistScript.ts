/**
 * The Waitlist page's small script (served as /admin/assets/waitlist.js): keeps the leaderboard live
 * from the page's event stream (`liveListScript`), never sweeping away an edit form or a "Remove…"
 * question that is open or a field being typed in.
 */
import { liveListScript } from './liveListScript.js';

/** Browser JavaScript for the Waitlist page (a constant; it reads its stream's URL from `data-events`). */
export const WAITLIST_SCRIPT = liveListScript('waitlist-list', 'waitlist');
