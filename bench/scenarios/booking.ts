/**
 * Appointments under load: bookings through the API, staff "remind now" for each (the reminder
 * opens the question), and the patient's signed `YES` to each, routed to the chain as an update.
 */
import { runLoad } from '../load.js';
import { plus } from '../report.js';
import { callApi, text } from '../requests.js';
import { waitFor, type Scenario } from '../scenario.js';
import { bookAppointments, runningChains } from './appointmentLoads.js';

const DAY_MS = 86_400_000;

export const bookingScenario: Scenario = {
  name: 'booking',
  description: 'bookings, remind now, YES to each',
  async run({ stack, options, floors, report, phones }) {
    const n = options.bookings;
    const conc = options.bookingConcurrency;
    const patients = phones(n);
    const http = await floors.get('HTTP', conc, n);

    // Two days out: both default reminders (24 h and 1 h before) still ahead, so each chain sleeps.
    const base = Math.ceil((Date.now() + 2 * DAY_MS) / 3_600_000) * 3_600_000;
    const { load, ids } = await bookAppointments(stack, patients, conc, (i) => new Date(base + (i % 480) * 60_000));
    const start = await floors.get('start', conc, n);
    report.row({ scenario: 'booking', what: 'POST /api/appointments', load, floor: plus(start, http) });
    const booked = ids.filter((id): id is string => id !== undefined);
    await waitFor('chains visible', async () => (await runningChains(stack)) >= booked.length, 30_000, 500).catch(() => undefined);
    const running = await runningChains(stack);
    report.check('booking', `a running chain for each of the ${booked.length} bookings`, running >= booked.length, `${running} running`);

    const update = await floors.get('update', conc, n);
    const remind = await runLoad(booked.length, conc, (i) => callApi(stack, 'POST', `/api/appointments/${booked[i]}/remind?clinic=main`));
    report.row({ scenario: 'booking', what: 'POST /api/appointments/{id}/remind', load: remind, floor: plus(update, http) });
    const asked = async () =>
      stack.sql<{ phone: string }[]>`
        select phone from patient_prompts where phone = any(${patients}) and kind = 'appointment_reminder' and closed_at is null`;
    // A remind that answered 503 (past the 5 s deadline) may still be done later: wait a while for it.
    const askedMs = await waitFor('reminders asked', async () => (await asked()).length >= booked.length, 60_000).catch(() => Number.NaN);
    const askedPhones = (await asked()).map((r) => r.phone);
    report.check(
      'booking',
      `a reminder question open for each of the ${booked.length} reminded`,
      askedPhones.length === booked.length,
      `${askedPhones.length} open ${(askedMs / 1000).toFixed(1)} s after the last remind`,
    );

    const yes = await runLoad(askedPhones.length, conc, async (i) => {
      const reply = await text(stack, askedPhones[i]!, 'YES');
      if (!reply.includes('confirmed')) throw new Error(`unexpected reply: ${reply.slice(0, 80)}`);
    });
    report.row({ scenario: 'booking', what: 'signed YES to the reminder', load: yes, floor: plus(update, http) });
    const [confirmed] = await stack.sql<
      { n: number }[]
    >`select count(*)::int as n from appointments where phone = any(${askedPhones}) and status = 'confirmed'`;
    report.check(
      'booking',
      `every appointment answered YES confirmed (${askedPhones.length})`,
      confirmed!.n === askedPhones.length,
      `${confirmed!.n} confirmed`,
    );
  },
};
