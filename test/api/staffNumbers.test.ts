/**
 * A manager reads the Numbers page: signed in only, the range as clinic dates with the JSON API's
 * rule (a refused range named beside its field, the last 30 days shown meanwhile), and each chart's
 * data and table from the same numbers `GET /api/metrics/front-desk` and `/api/metrics/waitlist` answer.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrontDeskMetrics } from '../../src/metrics/frontDeskMetrics.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
let cookie: string;
beforeAll(async () => {
  stack = await startStack();
  const response = await stack.app.request('/admin/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
    body: new URLSearchParams({ password: stack.adminPassword }).toString(),
  });
  cookie = response.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(() => stack?.stop());

const pagePath = (params: Record<string, string> = {}) => `/admin/numbers?${new URLSearchParams({ clinic: stack.clinic.slug, ...params }).toString()}`;
const localDay = (days: number) => DateTime.now().setZone(stack.clinic.timezone).plus({ days }).toISODate()!;

/** The chart data the page gives its script for the chart `id`. */
function chartData(page: string, id: string): { labels: string[]; datasets: { label: string; data: (number | null)[] }[]; percent: boolean } {
  const attribute = new RegExp(`id="${id}-chart"[^>]*data-chart="([^"]+)"`).exec(page)![1]!;
  return JSON.parse(attribute.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&')) as ReturnType<typeof chartData>;
}

describe('the Numbers page', () => {
  it('sends a visitor without a session to sign in', async () => {
    const response = await stack.app.request(pagePath());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/admin\/login\?next=%2Fadmin%2Fnumbers/);
  });

  it("draws tomorrow's visited appointment and confirmation in its charts and tables, as the JSON API counts them", async () => {
    const startsAt = DateTime.now().setZone(stack.clinic.timezone).plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const { id } = await bookThroughApi(stack, { startsAt, durationMinutes: 20, patientName: 'Ravi Kumar', provider: 'Dr Rao', service: 'Checkup' });
    expect((await stack.api(`/api/appointments/${id}/visited`, { method: 'POST', body: '{}' })).status).toBe(200);
    await vi.waitFor(async () => expect((await json(await stack.api(`/api/appointments/${id}`))).status).toBe('visited'), { timeout: 10_000 });

    const [from, to] = [localDay(0), localDay(1)];
    const response = await stack.app.request(pagePath({ from, to }), { headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    const page = await response.text();
    const api = (await json(await stack.api(`/api/metrics/front-desk?from=${from}&to=${to}`))) as FrontDeskMetrics;

    expect(page).toMatch(/<a href="\/admin\/numbers\?clinic=[^"]+" aria-current="page">Numbers<\/a>/);
    expect(page).toContain(`id="range-from" name="from" type="date" value="${from}"`);
    const served = chartData(page, 'served');
    expect(served.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Walk-ins done', api.days.map((d) => d.walk_ins_served)],
      ['Appointments visited', [0, 1]],
    ]);
    expect(served.labels).toEqual([
      DateTime.fromISO(from).setLocale('en-GB').toFormat('ccc d LLL'),
      DateTime.fromISO(to).setLocale('en-GB').toFormat('ccc d LLL'),
    ]);
    expect(chartData(page, 'no-shows')).toMatchObject({ percent: true, datasets: [{ data: [null, 0] }] });
    expect(chartData(page, 'confirmations').datasets[0]!.data).toEqual(api.days.map((d) => d.confirmation_rate));
    expect(chartData(page, 'delivery').labels).toEqual(['SMS', 'WhatsApp', 'Calls']);
    // The table beneath the chart: tomorrow's row, and the total.
    expect(page).toMatch(/<tr><th scope="row">[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}<\/th><td>0<\/td><td>1<\/td><td>1<\/td><\/tr>/);
    expect(page).toContain('<tfoot><tr><th scope="row">Total</th><td>0</td><td>1</td><td>1</td></tr></tfoot>');
    expect(page).toContain('<p class="summary">0% <span>of 1 appointment marked visited or no-show</span></p>');
  });

  it("charts the waitlist's fill rate and time to fill from a cancellation refilled by a patient's YES, as /api/metrics/waitlist counts them", async () => {
    const provider = (await json(await stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name: 'Dr Okafor', type: 'MD/DO' }) }))) as {
      id: number;
    };
    const phone = patientPhone();
    expect((await stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone, provider_ids: [provider.id] }) })).status).toBe(201);
    const slot = Date.now() + 26 * 3_600_000;
    const logged = await stack.api('/api/cancellations', {
      method: 'POST',
      body: JSON.stringify({
        provider_id: provider.id,
        location: 'Main St clinic',
        slot_start_at: new Date(slot).toISOString(),
        slot_end_at: new Date(slot + 1_800_000).toISOString(),
      }),
    });
    expect(logged.status).toBe(201);
    const { id } = (await json(logged)) as { id: string };
    await vi.waitFor(async () => expect((await json(await stack.api(`/api/cancellations/${id}`))).offers).toHaveLength(1), { timeout: 20_000 });
    expect(await twimlText(await stack.sendSms(phone, 'YES'))).toMatch(/Confirmed/);
    await vi.waitFor(async () => expect((await json(await stack.api(`/api/cancellations/${id}`))).status).toBe('filled'), { timeout: 20_000 });

    const today = localDay(0);
    const page = await (await stack.app.request(pagePath({ from: today, to: today }), { headers: { Cookie: cookie } })).text();
    const api = (await json(await stack.api(`/api/metrics/waitlist?from=${today}&to=${today}`))) as {
      fill_rate: number;
      time_to_fill_minutes: { median: number; p90: number };
    };
    expect(api.fill_rate).toBe(1);
    expect(chartData(page, 'fill-rate')).toMatchObject({ percent: true, datasets: [{ label: 'Fill rate', data: [1] }] });
    expect(chartData(page, 'time-to-fill').datasets.map((d) => d.data)).toEqual([[api.time_to_fill_minutes.median], [api.time_to_fill_minutes.p90]]);
    expect(page).toContain('<tfoot><tr><th scope="row">Total</th><td>1</td><td>1</td><td>0</td><td>100%</td></tr></tfoot>');
    expect(page).toContain(`<td>${api.time_to_fill_minutes.median} min</td>`);
  });

  it.each([
    // In the form's words (From, To), where the JSON API says from, to.
    [{ from: '2026-11-10', to: '2026-11-01' }, 'from', 'From: must be on or before To (2026-11-01)'],
    [{ from: 'yesterday' }, 'from', 'From: must be a date YYYY-MM-DD'],
    [{ from: '2024-01-01', to: '2026-01-01' }, 'to', 'To: must be at most 366 days from From (2024-01-01)'],
  ])('names a refused range %o beside its field and shows the last 30 days meanwhile', async (params, field, message) => {
    const response = await stack.app.request(pagePath(params), { headers: { Cookie: cookie } });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`<p class="field-message" id="range-${field}-error" role="alert">${message}</p>`);
    expect(page).toContain(`value="${params.from}"`);
    expect(chartData(page, 'served').labels).toHaveLength(30);
  });
});
