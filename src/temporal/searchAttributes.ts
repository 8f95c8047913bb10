/**
 * Registers Frontdesk's custom search attributes in a namespace (idempotent), so ops can filter
 * journeys by clinic, kind and state in the Temporal Web UI. Used by the embedded start, by the
 * production processes against an external server, and by the time-skipping tests.
 */
import type { Connection } from '@temporalio/client';

/** Type names as `temporal server start-dev --search-attribute Name=Type` spells them. */
export type SearchAttributeTypeName = 'Keyword' | 'Text' | 'Int' | 'Datetime' | 'Bool';

// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE: Record<SearchAttributeTypeName, number> = { Text: 1, Keyword: 2, Int: 3, Bool: 5, Datetime: 6 };

/**
 * Adds the attributes of `wanted` that `namespace` lacks.
 * @throws Error when one exists with another type (renaming is the way out), or the server refuses.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string, wanted: Record<string, SearchAttributeTypeName>): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, number> = {};
  for (const [name, type] of Object.entries(wanted)) {
    // The proto enum is numeric: compare it as the number the table holds.
    const existing: number | undefined = customAttributes[name];
    if (existing === undefined) missing[name] = INDEXED_VALUE_TYPE[type];
    else if (existing !== INDEXED_VALUE_TYPE[type]) {
      throw new Error(`search attribute ${name} is already registered in namespace ${namespace} with another type than ${type}; rename it`);
    }
  }
  if (Object.keys(missing).length > 0) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}
