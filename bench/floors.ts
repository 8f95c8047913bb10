/**
 * The floors every figure is compared with, measured on the running stack at the concurrency and
 * count of the load they are compared with (and kept for the run, so each is measured once):
 * - HTTP: the floor process's bare Hono route answering constant TwiML to the same signed form post;
 * - update-with-start: `executeUpdateWithStart` of the no-op update, starting a new `floorWorkflow`;
 * - update: the no-op update on a running `floorWorkflow` (a different one each time, as staff
 *   moves and answers reach different tickets and chains);
 * - start: `workflow.start` of a `floorWorkflow` (what booking waits for);
 * - `select 1` through postgres.js.
 * Temporal floors run on FLOOR_TASK_QUEUE, served by the floor process's worker on the same server.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { runLoad, type LoadResult } from './load.js';
import type { Report } from './report.js';
import { post, smsRequest } from './requests.js';
import { benchPhone } from './phones.js';
import type { BenchStack } from './stack.js';
import { FLOOR_TASK_QUEUE, floorWorkflow, noopUpdate } from './floorWorkflow.js';

/** A measured floor. */
export interface Floor {
  label: string;
  load: LoadResult;
}

type Kind = 'HTTP' | 'update-with-start' | 'update' | 'start' | 'select 1';

/** Measures floors on demand and remembers them; each measurement is also a row of the report. */
export class Floors {
  private readonly measured = new Map<string, Floor>();
  /** Running floor workflows for the update floor to reach. */
  private readonly running: string[] = [];
  private nextUpdate = 0;

  constructor(
    private readonly stack: BenchStack,
    private readonly report: Report,
  ) {}

  /** The `kind` floor at `concurrency`, measured with `total` operations the first time it is asked for. */
  async get(kind: Kind, concurrency: number, total: number): Promise<Floor> {
    const key = `${kind}@${concurrency}`;
    const known = this.measured.get(key);
    if (known !== undefined) return known;
    const floor = { label: `${kind} floor`, load: await this.measure(kind, concurrency, total) };
    this.measured.set(key, floor);
    this.report.row({ scenario: 'floor', what: kind, load: floor.load });
    return floor;
  }

  private async updateWithStart(): Promise<void> {
    const workflowId = `floor-${randomUUID()}`;
    await this.stack.floorTemporal.workflow.executeUpdateWithStart(noopUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation(floorWorkflow, {
        workflowId,
        taskQueue: FLOOR_TASK_QUEUE,
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    this.running.push(workflowId);
  }

  private async measure(kind: Kind, concurrency: number, total: number): Promise<LoadResult> {
    const client = this.stack.floorTemporal;
    switch (kind) {
      case 'HTTP': {
        const requests = Array.from({ length: total }, (_, i) => smsRequest(this.stack.twilioAuthToken, benchPhone(i), 'JOIN'));
        return runLoad(total, concurrency, (i) => post(this.stack.floorHttp, requests[i]!));
      }
      case 'update-with-start':
        return runLoad(total, concurrency, () => this.updateWithStart());
      case 'start':
        return runLoad(total, concurrency, async () => {
          const workflowId = `floor-${randomUUID()}`;
          await client.workflow.start(floorWorkflow, { workflowId, taskQueue: FLOOR_TASK_QUEUE });
          this.running.push(workflowId);
        });
      case 'update': {
        // Each update reaches a different running workflow; too few running: more are started, by
        // update-with-start, which returns once each has run its first task (as a ticket has before a move).
        const missing = Math.max(0, total - (this.running.length - this.nextUpdate));
        await runLoad(missing, concurrency, () => this.updateWithStart());
        const first = this.nextUpdate;
        this.nextUpdate += total;
        return runLoad(total, concurrency, (i) => client.workflow.getHandle(this.running[first + i]!).executeUpdate(noopUpdate));
      }
      case 'select 1':
        return runLoad(total, concurrency, () => this.stack.sql`select 1`);
    }
  }
}
