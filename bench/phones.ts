/**
 * Distinct fictional patient numbers for the benchmark: `+1<area>555xxxx` in Chicago-area codes
 * (555 exchanges are fictional), 9,999 per area code, never a line ending in 0006 (the console
 * provider plays those as landlines).
 */
const AREAS = ['312', '773', '872', '630', '708', '847', '224', '331', '779', '815', '217', '309', '618'];
const PER_AREA = 9_999;

/** The `i`-th benchmark number (0 ≤ i < 129,987); the same `i` always gives the same number. */
export function benchPhone(i: number): string {
  const area = AREAS[Math.floor(i / PER_AREA)];
  if (area === undefined) throw new RangeError(`no benchmark number ${i}`);
  const k = i % PER_AREA;
  return `+1${area}555${String(k >= 6 ? k + 1 : k).padStart(4, '0')}`;
}
