/**
 * Ticket activities: write the ticket's Postgres row (the read model the board and positions use)
 * and tell listeners the line changed. Idempotent: a retry writes the same values again.
 */
import type { Sql } from '../db/sql.js';
import { findTicketByWorkflowId, toTicketView } from '../queue/readQueue.js';
import type { TicketState } from '../domain/ticketStates.js';
import { FailureType, type JoinResult, type TicketView, type TicketWorkflowInput } from '../workflows/definitions.js';
import { queueChangedNotice } from '../queue/queueEvents.js';
import { ApplicationFailure } from '@temporalio/activity';
import { failPermanentErrorsFast } from './permanentFailures.js';

/** Input of `recordTicketState`. `at` is epoch ms (UTC) from the workflow clock. */
export interface RecordTicketStateInput {
  workflowId: string;
  clinicId: number;
  to: TicketState;
  at: number;
  /** The day-end close did it: the time in room is not a service time. */
  closedByDayEnd: boolean;
}

/** The ticket activities, bound to a Postgres pool. */
export function createTicketActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Puts the ticket in the line (`waiting`). If the phone already holds an open ticket (two JOINs
     * raced), nothing is written and that ticket is returned with `existing: true`.
     * @throws ApplicationFailure `CodeTaken` (non-retryable) when the code is taken by another open
     *   ticket; `InvalidData` (non-retryable) when Postgres refuses the row (e.g. a note over 140 characters).
     */
    async openTicket(input: TicketWorkflowInput & { workflowId: string }): Promise<JoinResult> {
      return failPermanentErrorsFast('openTicket', async () => {
        // The row and the board's notice in one statement (the notice only when the row is new).
        await sql`
        with opened as (
          insert into tickets (clinic_id, service_day, code, workflow_id, phone, channel, note, state, joined_at)
          values (${input.clinicId}, ${input.serviceDay}, ${input.code}, ${input.workflowId}, ${input.phone},
                  ${input.channel}, ${input.note}, 'waiting', now())
          on conflict do nothing
          returning 1)
        select ${queueChangedNotice(sql, input.clinicId)} from opened`;
        const mine = await findTicketByWorkflowId(sql, input.clinicId, input.workflowId);
        if (mine !== undefined) return { ticket: toTicketView(mine), existing: false };
        const [holder] =
          input.phone === null
            ? []
            : await sql<{ workflow_id: string }[]>`
        select workflow_id from tickets
        where clinic_id = ${input.clinicId} and phone = ${input.phone} and state in ('waiting', 'next', 'in_room')`;
        const held = holder === undefined ? undefined : await findTicketByWorkflowId(sql, input.clinicId, holder.workflow_id);
        if (held === undefined) {
          throw ApplicationFailure.nonRetryable(`ticket code ${input.code} is taken by another open ticket`, FailureType.CodeTaken);
        }
        return { ticket: toTicketView(held), existing: true };
      });
    },

    /**
     * Writes a state change and its timestamp; `done` by staff also records the time in room.
     * @throws ApplicationFailure `TicketMissing` or `InvalidData` (non-retryable).
     */
    async recordTicketState(input: RecordTicketStateInput): Promise<TicketView> {
      return failPermanentErrorsFast('recordTicketState', async () => {
        const at = new Date(input.at);
        const closing = ['done', 'no_show', 'left', 'expired'].includes(input.to);
        // The write and the board's notice in one statement, then the ticket's standing in another:
        // a staff move waits on this activity, so each round trip to Postgres counts.
        await sql`
        with moved as (
          update tickets set
            state = ${input.to},
            called_at = case when ${input.to} = 'next' then ${at} else called_at end,
            room_at = case when ${input.to} = 'in_room' then ${at} else room_at end,
            closed_at = case when ${closing} then ${at} else closed_at end,
            service_seconds = case when ${input.to} = 'done' and not ${input.closedByDayEnd} and room_at is not null
                                   then greatest(0, extract(epoch from (${at}::timestamptz - room_at)))::int
                                   else service_seconds end,
            updated_at = now()
          where workflow_id = ${input.workflowId}
          returning 1)
        select ${queueChangedNotice(sql, input.clinicId)} from moved`;
        const ticket = await findTicketByWorkflowId(sql, input.clinicId, input.workflowId);
        if (ticket === undefined) throw ApplicationFailure.nonRetryable(`no ticket row for ${input.workflowId}`, FailureType.TicketMissing);
        return toTicketView(ticket);
      });
    },
  };
}

/** The ticket activities' interface, as the workflow proxies it. */
export type TicketActivities = ReturnType<typeof createTicketActivities>;
