/**
 * Booking appointments through the JSON API at a concurrency, shared by the booking and scale
 * scenarios: one provider for the run, `POST /api/appointments` per patient, ids kept in order.
 */
import { runLoad, type LoadResult } from '../load.js';
import { callApi } from '../requests.js';
import type { BenchStack } from '../stack.js';

let provider: Promise<number> | undefined;

/** The run's provider (created on first use), so concurrent bookings do not race to create it. */
export function benchProviderId(stack: BenchStack): Promise<number> {
  provider ??= callApi(stack, 'POST', '/api/providers', { name: 'Dr Bench', type: 'MD/DO' }, 201).then((p) => p.id as number);
  return provider;
}

/** Books one appointment per phone at `startsAt(i)`; returns the load and the appointment ids (undefined where it failed). */
export async function bookAppointments(
  stack: BenchStack,
  phones: string[],
  concurrency: number,
  startsAt: (i: number) => Date,
): Promise<{ load: LoadResult; ids: (string | undefined)[] }> {
  const providerId = await benchProviderId(stack);
  const ids: (string | undefined)[] = new Array<string | undefined>(phones.length);
  const load = await runLoad(phones.length, concurrency, async (i) => {
    const booked = await callApi(
      stack,
      'POST',
      '/api/appointments',
      {
        patient_name: `Bench Patient ${i}`,
        phone: phones[i],
        starts_at: startsAt(i).toISOString(),
        duration_minutes: 30,
        provider_id: providerId,
        service: 'Checkup',
        channel: 'sms',
      },
      201,
    );
    ids[i] = booked.id as string;
  });
  return { load, ids };
}

/** Running appointment chains, as Temporal's visibility counts them. */
export async function runningChains(stack: BenchStack): Promise<number> {
  const { count } = await stack.temporal.workflow.count('FrontdeskJourney = "appointment-chain" AND ExecutionStatus = "Running"');
  return count;
}
