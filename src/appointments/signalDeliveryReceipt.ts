/**
 * Hands a final delivery receipt (of a message or a call) to the appointment chain that sent it, so
 * the chain can fall back to the next channel (src/domain/deliveryFallback.ts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import { appointmentWorkflowId, deliveryReceiptSignal, type DeliveryReceipt } from '../workflows/appointmentDefinitions.js';

/**
 * Signals `receipt` to the chain of appointment `appointmentId`. A chain that has ended is no error
 * (nothing waits for the receipt); any other failure is logged and dropped: the chain's wait for the
 * receipt runs out and the attempt counts as sent.
 */
export async function signalDeliveryReceipt(deps: { sql: Sql; temporal: Client; log: Logger }, appointmentId: string, receipt: DeliveryReceipt): Promise<void> {
  const [row] = await deps.sql<{ slug: string }[]>`
    select c.slug from appointments a join clinics c on c.id = a.clinic_id where a.id = ${appointmentId}`;
  if (row === undefined) return;
  try {
    await callWithinDeadline(deps.temporal, 'delivery receipt', () =>
      deps.temporal.workflow.getHandle(appointmentWorkflowId(row.slug, appointmentId)).signal(deliveryReceiptSignal, receipt),
    );
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    deps.log.warn({ err: error, appointmentId, sid: receipt.sid }, 'delivery receipt not handed to the appointment chain');
  }
}
