/**
 * Refusals as staff read them: the JSON API's messages name its fields (`starts_at: must be in the
 * future`), a contract the API keeps; a staff page shows the same refusal with its form's label for the
 * field instead (`Date and time: must be in the future`).
 */

/** A form's labels by the JSON API's field names, e.g. `{ starts_at: 'Date and time' }`. */
export type FieldLabels = Readonly<Record<string, string>>;

/**
 * `message` with its leading field name (`field`, or the name before its first `:` when `field` is not
 * known, as after a redirect) replaced by its label in `labels`; a nested field (`provider_ids.0`) takes
 * the label of its first part, and another field named in the rest by its label too: a snake_case name
 * (`must be after slot_start_at`), or a one-word name given with its value in parentheses, as the API
 * names a field it compares with (`must be on or before to (2026-11-01)` → `… before To (2026-11-01)`).
 * A message naming no labelled field comes back unchanged.
 */
export function labelFieldMessage(message: string, field: string | undefined, labels: FieldLabels): string {
  const named = field ?? /^([a-z_][a-z0-9_.]*): /.exec(message)?.[1];
  if (named === undefined || !message.startsWith(`${named}: `)) return message;
  const label = labels[named] ?? labels[named.split('.')[0]!];
  if (label === undefined) return message;
  // Another field the refusal names (`must be after slot_start_at`) is named by its label too.
  // A one-word name is an ordinary word too (`from from (2024-01-01)`): only the one before its value is the field.
  const rest = message.slice(named.length + 2).replace(/\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+(?= \()/g, (name) => labels[name] ?? name);
  return `${label}: ${rest}`;
}
