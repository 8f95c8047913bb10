/**
 * Replays every recorded workflow history (`histories/*.json`, from `npm run record-histories`):
 * ticket workflows, appointment chains and cancellation offer workflows, against the current workflow code, bundled as the worker
 * bundles it. A change that would break a running ticket or chain on deploy (a command added, removed or reordered without
 * `patched()`) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { createDataConverter } from '../../src/temporal/dataConverter.js';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys.js';
import { silentSdkLogger } from '../support/silentSdkLogger.js';
import { bundleWorkflowCode, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../src/worker/createWorker.js';

const { temporal } = proto;

Runtime.install({ logger: silentSdkLogger });
const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * A saved history as the SDK's History message. `History.fromObject` reads the JSON that
 * `fetchHistory()` wrote (enum names, base64 bytes); the SDK's `historyFromJSON` is not used because
 * @temporalio/common and @temporalio/proto resolve different protobufjs copies in this install.
 */
function readHistory(file: string) {
  return temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
}

describe('recorded workflow histories replay on the current code', () => {
  it('has recorded histories to replay', () => {
    expect(files.filter((f) => !f.includes('appointment') && !f.includes('offer')).length).toBeGreaterThanOrEqual(6);
    expect(files.filter((f) => f.includes('appointment')).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.includes('offer')).length).toBeGreaterThanOrEqual(1);
  });

  it('replays every recorded history without non-determinism', async () => {
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silentSdkLogger });
    const histories = files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: readHistory(file) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle, dataConverter: createDataConverter(TEST_PAYLOAD_KEYS) }, histories)) {
      if (result.error !== undefined) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
