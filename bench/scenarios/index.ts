/**
 * Every scenario of `npm run bench`, in the order they run. The offer race and fan-out (issue 12)
 * join this list once `POST /api/cancellations` exists.
 */
import type { Scenario } from '../scenario.js';
import { bookingScenario } from './booking.js';
import { queueScenario } from './queue.js';
import { scaleScenario } from './scale.js';

export const SCENARIOS: readonly Scenario[] = [queueScenario, bookingScenario, scaleScenario];
