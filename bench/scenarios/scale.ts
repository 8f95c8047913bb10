/**
 * Scale: `chains` live appointment chains sleeping towards their reminders. Most are booked a week
 * out (default rules: reminders 24 h and 1 h before); the last `wave` are booked under a clinic rule
 * of one reminder 30 minutes before, all starting at the same minute, so their reminders fall due
 * together. Measures the booking rate, the worker's and the Temporal server's peak memory, that every
 * chain is running, and how long the wave takes to be sent.
 */
import { quantile } from '../load.js';
import { readProcessMemory } from '../processMemory.js';
import { plus } from '../report.js';
import { callApi } from '../requests.js';
import { waitFor, type Scenario } from '../scenario.js';
import { bookAppointments, runningChains } from './appointmentLoads.js';

const MINUTE_MS = 60_000;
const WAVE_LEAD_MINUTES = 30;
const WAVE_TIMEOUT_MS = 20 * MINUTE_MS;

export const scaleScenario: Scenario = {
  name: 'scale',
  description: 'live chains, memory, reminder wave',
  async run({ stack, options, floors, report, phones }) {
    const conc = options.bookingConcurrency;
    const sleepers = options.chains - options.wave;
    const peaks = { worker: 0, temporal: 0 };
    const sample = () => {
      peaks.worker = Math.max(peaks.worker, readProcessMemory(stack.pids.worker)?.rssMiB ?? 0);
      peaks.temporal = Math.max(peaks.temporal, readProcessMemory(stack.pids.temporal)?.rssMiB ?? 0);
    };
    const sampling = setInterval(sample, 1_000);
    try {
      const http = await floors.get('HTTP', conc, Math.max(sleepers, 1));
      const start = await floors.get('start', conc, Math.max(sleepers, 1));
      const weekOut = Math.ceil((Date.now() + 7 * 86_400_000) / 3_600_000) * 3_600_000;
      const booked = await bookAppointments(stack, phones(sleepers), conc, (i) => new Date(weekOut + (i % 2_000) * 5 * MINUTE_MS));
      report.row({ scenario: 'scale', what: `booking ${sleepers} sleeping chains`, load: booked.load, floor: plus(start, http) });

      // The wave: one reminder 30 min before a start chosen so that booking it ends before it is due.
      await callApi(stack, 'PATCH', '/api/clinic?clinic=main', { reminder_rules: [{ kind: 'before', minutes: WAVE_LEAD_MINUTES }] });
      const bookingMs = (options.wave / Math.max(booked.load.perSecond, 1)) * 1000;
      const dueAt = Math.ceil((Date.now() + 1.5 * bookingMs + 30_000) / MINUTE_MS) * MINUTE_MS;
      const wave = await bookAppointments(stack, phones(options.wave), conc, () => new Date(dueAt + WAVE_LEAD_MINUTES * MINUTE_MS));
      report.row({ scenario: 'scale', what: `booking the ${options.wave} chains of the wave`, load: wave.load, floor: plus(start, http) });
      const waveIds = wave.ids.filter((id): id is string => id !== undefined);
      if (Date.now() >= dueAt) report.fact('scale', 'warning', 'the wave was still being booked when it fell due');

      const [counted] = await stack.sql<{ n: number }[]>`select count(*)::int as n from appointments`;
      const appointments = counted!.n;
      await waitFor('every chain visible', async () => (await runningChains(stack)) >= appointments, 60_000, 1_000).catch(() => undefined);
      const running = await runningChains(stack);
      // More running than booked: a booking that answered 503 (its start not taken within 5 s) removed
      // its row, but the start reached Temporal later, leaving a chain without an appointment.
      report.check(
        'scale',
        `every booked chain running (${appointments} appointments)`,
        running >= appointments,
        `${running} running${running > appointments ? `: ${running - appointments} chains of bookings that answered 503` : ''}`,
      );
      const { count: failed } = await stack.temporal.workflow.count('ExecutionStatus = "Failed" OR ExecutionStatus = "TimedOut"');
      report.check('scale', 'no workflow failed or timed out', failed === 0, `${failed}`);
      sample();
      report.fact(
        'scale',
        'RSS with every chain asleep: worker / Temporal server',
        `${peaks.worker.toFixed(0)} / ${peaks.temporal.toFixed(0)} MiB (peak of 1 s samples)`,
      );

      // The wave falls due: time until every one of its reminders is handed to the provider.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now())));
      const sentQuery = () => stack.sql<{ after_ms: number }[]>`
        select extract(epoch from (created_at - ${new Date(dueAt)}::timestamptz)) * 1000 as after_ms from messages
        where appointment_id = any(${waveIds}::bigint[]) and delivery_key like '%:reminder:%' and provider_sid is not null`;
      const waitedMs = await waitFor('the reminder wave sent', async () => (await sentQuery()).length >= waveIds.length, WAVE_TIMEOUT_MS, 200).catch(
        (error: unknown) => {
          report.fact('scale', 'reminder wave', error instanceof Error ? error.message : String(error));
          return Number.NaN;
        },
      );
      const after = (await sentQuery()).map((r) => Number(r.after_ms)).sort((a, b) => a - b);
      report.check('scale', `all ${waveIds.length} reminders of the wave sent`, after.length === waveIds.length, `${after.length} sent`);
      report.fact(
        'scale',
        `reminder wave of ${waveIds.length} due at ${new Date(dueAt).toISOString()}: sent after (first / p50 / p99 / last)`,
        `${[quantile(after, 0), quantile(after, 0.5), quantile(after, 0.99), after.at(-1) ?? Number.NaN].map((v) => (v / 1000).toFixed(1)).join(' / ')} s (seen complete ${(waitedMs / 1000).toFixed(1)} s after due)`,
      );
    } finally {
      clearInterval(sampling);
    }
    const worker = readProcessMemory(stack.pids.worker);
    const temporal = readProcessMemory(stack.pids.temporal);
    report.fact(
      'scale',
      'worker peak RSS (VmHWM, whole run)',
      `${worker?.peakMiB.toFixed(0)} MiB (goal < 1024 MiB: ${worker !== undefined && worker.peakMiB < 1024 ? 'met' : 'NOT MET'})`,
    );
    report.fact('scale', 'Temporal server peak RSS (VmHWM, whole run)', `${temporal?.peakMiB.toFixed(0)} MiB`);
  },
};
