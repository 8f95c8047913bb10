/**
 * One test file's (or describe block's) stack whose texts and calls go through Twilio's REST API
 * stand-in: the fake (fakeTwilioApi.ts) and a stack sending through it (stack.ts), started before the
 * block's tests (vitest `beforeAll`) and stopped after them (`afterAll`). A block registers its own
 * `beforeAll` after calling `twilioStackSuite` to add data; vitest runs it once the stack is up.
 */
import { afterAll, beforeAll } from 'vitest';
import { startFakeTwilioApi, type FakeTwilioApi } from './fakeTwilioApi.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export interface TwilioStackSuite {
  /** The block's stack, sending through `twilioApi`. @throws before the suite's `beforeAll` has run. */
  readonly stack: Stack;
  /** The block's fake Twilio REST API: what was sent, and how Twilio answers. @throws before the suite's `beforeAll` has run. */
  readonly twilioApi: FakeTwilioApi;
}

/** Registers the hooks of a block whose stack, started with `options`, sends through a fake Twilio REST API. */
export function twilioStackSuite(options: Omit<StackOptions, 'sender'> = {}): TwilioStackSuite {
  let twilioApi: FakeTwilioApi | undefined;
  let stack: Stack | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Twilio stack suite is not started yet: use it inside a hook or a test');
    return value;
  };

  beforeAll(async () => {
    twilioApi = await startFakeTwilioApi();
    stack = await startStack({ ...options, sender: twilioApi.sender() });
  });
  afterAll(async () => {
    await stack?.stop();
    await twilioApi?.close();
  });

  return {
    get stack() {
      return ready(stack);
    },
    get twilioApi() {
      return ready(twilioApi);
    },
  };
}
