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
 * the label of its first part, and another field named in the rest (`must be after slot_start_at`) by
 * its label too. A message naming no labelled field comes back unchanged.
 */
export function labelFieldMessage(message: string, field: string | undefined, labels: FieldLabels): string {
  const named = field ?? /^([a-z_][a-z0-9_.]*): /.exec(message)?.[1];
  if (named === undefined || !message.startsWith(`${named}: `)) return message;
  const label = labels[named] ?? labels[named.split('.')[0]!];
  if (label === undefined) return message;
  // Another field the refusal names (`must be after slot_start_at`) is named by its label too.
  const rest = message.slice(named.length + 2).replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => labels[name] ?? name);
  return `${label}: ${rest}`;
}
