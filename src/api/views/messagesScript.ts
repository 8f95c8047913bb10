/**
 * The Messages page's small script (served as /admin/assets/messages.js): keeps the log live from the
 * page's event stream (`liveListScript`), so a new text or call and each delivery status show without
 * a reload; a swap waits while a "Show number" press is landing, and keeps focus on the same button.
 */
import { liveListScript } from './liveListScript.js';

/** Browser JavaScript for the Messages page (a constant; it reads its stream's URL from `data-events`). */
export const MESSAGES_SCRIPT = liveListScript('log-list', 'messages');
