/**
 * A workflow interceptor for the time-skipping server, which has no custom search attributes: the
 * child workflows the offer workflow and the appointment chains start go without theirs (as the
 * client starts do, see `stripSearchAttributes` in timeSkipping.ts). Bundled with the workflows there.
 */
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      startChildWorkflowExecution: (input, next) => next({ ...input, options: { ...input.options, typedSearchAttributes: undefined } }),
    },
  ],
});
