/** Every scenario of `npm run bench`, in the order they run (`BENCH_SCENARIOS` picks some by name). */
import type { Scenario } from '../scenario.js';
import { bookingScenario } from './booking.js';
import { offersScenario } from './offers.js';
import { queueScenario } from './queue.js';
import { scaleScenario } from './scale.js';

export const SCENARIOS: readonly Scenario[] = [queueScenario, bookingScenario, offersScenario, scaleScenario];
