/**
 * The floors' own process, started by the benchmark beside the API and the worker: a bare Hono app
 * on @hono/node-server whose one route answers constant TwiML (the HTTP floor: what any webhook
 * costs before Frontdesk does anything), and a worker for `floorWorkflow` on FLOOR_TASK_QUEUE.
 * Reads FLOOR_PORT and TEMPORAL_ADDRESS; stops on SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { Hono } from 'hono';
import { FLOOR_TASK_QUEUE } from './floorWorkflow.js';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Floor.</Message></Response>';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const app = new Hono().post('/webhooks/twilio/sms', (c) => c.body(TWIML, 200, { 'Content-Type': 'text/xml' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.FLOOR_PORT) });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: FLOOR_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('./floorWorkflow.ts', import.meta.url)),
});
const running = worker.run();
process.once('SIGTERM', () => {
  server.close();
  worker.shutdown();
});
await running;
await connection.close();
