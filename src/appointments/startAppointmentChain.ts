/**
 * Starts the chain of a booked appointment (its row written, status `booked`): one workflow per
 * appointment, `appointment-<clinic>-<id>`. Starting again for the same appointment returns the
 * running chain; a chain that ended is never started twice.
 */
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { maskPhone } from '../domain/phone.js';
import {
  APPOINTMENT_JOURNEY,
  APPOINTMENT_WORKFLOW_TYPE,
  appointmentWorkflowId,
  type AppointmentSnapshot,
  type AppointmentWorkflowInput,
} from '../workflows/appointmentDefinitions.js';
import { searchAttributes } from '../workflows/definitions.js';

/**
 * Starts `appointmentWorkflow` for `appointment` on `taskQueue`, indexed by clinic and journey;
 * `continueAsNewAtEvents` as in AppointmentWorkflowInput.
 * @returns the chain's handle.
 */
export async function startAppointmentChain(
  temporal: Client,
  taskQueue: string,
  appointment: AppointmentSnapshot,
  options: Pick<AppointmentWorkflowInput, 'continueAsNewAtEvents'> = {},
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const input: AppointmentWorkflowInput = { appointment, ...options };
  return temporal.workflow.start(APPOINTMENT_WORKFLOW_TYPE, {
    workflowId: appointmentWorkflowId(appointment.clinicSlug, appointment.appointmentId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: searchAttributes.clinic, value: appointment.clinicSlug },
      { key: searchAttributes.journey, value: APPOINTMENT_JOURNEY },
    ],
    staticSummary: `Appointment ${appointment.appointmentId} with ${appointment.providerName} (${appointment.channel}, ${maskPhone(appointment.phone)})`,
  });
}
