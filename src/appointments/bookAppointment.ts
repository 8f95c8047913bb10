/**
 * Booking: the appointment row (status `booked`) and its chain (`appointmentWorkflow`), started with
 * a snapshot of the appointment and the clinic's settings. If Temporal does not take the start, the
 * row is removed again and the caller gets 503: no appointment without its chain.
 */
import type { Client } from '@temporalio/client';
import { AppError } from '../errors.js';
import type { Clinic } from '../clinics/clinics.js';
import { getClinicSettings } from '../clinics/clinicSettings.js';
import { resolvePatientLanguage, setPatientLanguage } from '../clinics/patientLanguages.js';
import type { Sql } from '../db/sql.js';
import { planReminders } from '../domain/reminderPlan.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import type { ClinicSettings } from '../clinics/clinicSettings.js';
import type { AppointmentChannel, AppointmentSnapshot } from '../workflows/appointmentDefinitions.js';
import { startAppointmentChain } from './startAppointmentChain.js';
import { findOrCreateProvider, getAppointment, getProvider, insertAppointment, type Appointment } from './appointments.js';

/** A booking, validated by the API: `phone` E.164, `startsAt` in the future. */
export interface BookingRequest {
  patientName: string;
  phone: string;
  startsAt: Date;
  durationMinutes: number;
  /** An existing provider by id, or one by name (created when the clinic has none of that name). */
  provider: { id: number } | { name: string };
  service: string;
  channel: AppointmentChannel;
  /** The patient's language; absent: the one they chose before, else the clinic's default. Kept for the phone. */
  language?: string;
}

/** What booking needs. */
export interface BookingDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
}

/**
 * Books `request` at `clinic` and starts its chain; returns the appointment with the first planned
 * reminder (`nextReminderAt`) as the chain plans it.
 * @throws AppError bad_request naming `provider_id` for an unknown provider, and `provider_id` or
 *   `provider` (as the request named them) for an inactive one (nothing is written); unavailable when
 *   Temporal does not take the start within 5 s (nothing is kept).
 */
export async function bookAppointment(deps: BookingDeps, clinic: Clinic, request: BookingRequest, now = new Date()): Promise<Appointment> {
  const { sql } = deps;
  const settings = await getClinicSettings(sql, clinic.id);
  const byId = 'id' in request.provider;
  const provider =
    'id' in request.provider ? await getProvider(sql, clinic.id, request.provider.id) : await findOrCreateProvider(sql, clinic.id, request.provider.name);
  // Appointments already booked with a provider staff have since made inactive keep their chains; new ones are refused.
  if (!provider.active) {
    const field = byId ? 'provider_id' : 'provider';
    throw new AppError('bad_request', `${field}: ${provider.name} (provider ${provider.id}) is inactive; book with an active provider`, field);
  }
  if (request.language !== undefined) await setPatientLanguage(sql, clinic.id, request.phone, request.language);
  const language = request.language ?? (await resolvePatientLanguage(sql, clinic, request.phone));
  const appointment = await insertAppointment(sql, {
    clinicId: clinic.id,
    clinicSlug: clinic.slug,
    providerId: provider.id,
    patientName: request.patientName,
    phone: request.phone,
    language,
    service: request.service,
    channel: request.channel,
    startsAt: request.startsAt,
    durationMinutes: request.durationMinutes,
  });
  const snapshot = appointmentSnapshot(clinic, settings, appointment);
  try {
    await callWithinDeadline(deps.temporal, 'booking the appointment', () => startAppointmentChain(deps.temporal, deps.taskQueue, snapshot));
  } catch (error) {
    await sql`delete from appointments where id = ${appointment.id}`;
    throw error;
  }
  const [first] = planReminders({
    startsAt: request.startsAt.getTime(),
    timezone: clinic.timezone,
    rules: settings.reminderRules,
    contactHours: snapshot.contactHours,
    now: now.getTime(),
  });
  const booked = await getAppointment(sql, clinic.id, appointment.id);
  return { ...booked, nextReminderAt: booked.nextReminderAt ?? (first === undefined ? null : new Date(first)) };
}

/** What a chain is started with: `appointment` as booked and the clinic's settings now. */
export function appointmentSnapshot(clinic: Clinic, settings: ClinicSettings, appointment: Appointment): AppointmentSnapshot {
  return {
    appointmentId: appointment.id,
    clinicId: clinic.id,
    clinicSlug: clinic.slug,
    timezone: clinic.timezone,
    phone: appointment.phone,
    channel: appointment.channel,
    language: appointment.language,
    startsAt: appointment.startsAt.toISOString(),
    durationMinutes: appointment.durationMinutes,
    providerId: appointment.providerId,
    providerName: appointment.providerName,
    service: appointment.service,
    contactHours: { start: settings.contactHoursStart, end: settings.contactHoursEnd },
    reminderRules: settings.reminderRules,
    officeDays: settings.officeDays,
    opens: settings.officeOpens,
    closes: settings.officeCloses,
    slotMinutes: settings.slotMinutes,
    callRetryMinutes: settings.callRetryMinutes,
  };
}
