/**
 * Links from staff pages to a workflow's runs in the Temporal Web UI
 * (`<ui>/namespaces/<namespace>/workflows/<workflow ID>`, the UI's own route for a workflow).
 */

/** Where the Temporal Web UI is and which namespace the workflows run in. */
export interface TemporalUi {
  /** As the browser opens it (e.g. `http://localhost:8233`); undefined: no UI configured, no links. */
  url: string | undefined;
  namespace: string;
}

/** The Web UI's page of workflow `workflowId`, or null when no UI is configured. */
export function workflowRunUrl(ui: TemporalUi, workflowId: string): string | null {
  if (ui.url === undefined) return null;
  return `${ui.url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(ui.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
