/**
 * The Appointments page's small script (served as /admin/assets/appointments.js): keeps the day's list
 * live from the page's event stream (`liveListScript`). A fragment that arrives while staff are typing
 * in one of the list's fields, or have a "Cancel…" question open, waits until they leave it, so nothing
 * they are in the middle of is swept away. Without JavaScript the page is a plain page with working forms.
 */
import { liveListScript } from './liveListScript.js';

/** Browser JavaScript for the Appointments page (a constant; it reads its stream's URL from `data-events`). */
export const APPOINTMENTS_SCRIPT = liveListScript('day-list', 'appointments');
