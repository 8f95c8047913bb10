/** The workflows the worker registers (the bundler's entry point). */
export { ticketWorkflow } from './ticketWorkflow.js';
export { appointmentWorkflow } from './appointmentWorkflow.js';
export { cancellationOfferWorkflow } from './cancellationOfferWorkflow.js';
export { retentionPurgeWorkflow } from './retentionPurgeWorkflow.js';
