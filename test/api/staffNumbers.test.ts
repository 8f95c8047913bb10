/**
 * A manager reads the Numbers page: signed in only, the range as clinic dates with the JSON API's
 * rule (a refused range named beside its field, the last 30 days shown meanwhile), and each chart's
 * data and table from the same numbers `GET /api/metrics/front-desk` answers.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrontDeskMetrics } from '../../src/metrics/frontDeskMetrics.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

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
    const booked = await stack.api('/api/appointments', {
      method: 'POST',
      body: JSON.stringify({
        patient_name: 'Ravi Kumar',
        phone: patientPhone(),
        starts_at: startsAt.toISO(),
        duration_minutes: 20,
        provider: 'Dr Rao',
        service: 'Checkup',
        channel: 'sms',
      }),
    });
    const { id } = (await json(booked)) as { id: string };
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

  it.each([
    [{ from: '2026-11-10', to: '2026-11-01' }, 'from', 'from: must be on or before to (2026-11-01)'],
    [{ from: 'yesterday' }, 'from', 'from: must be a date YYYY-MM-DD'],
    [{ from: '2024-01-01', to: '2026-01-01' }, 'to', 'to: must be at most 366 days from from (2024-01-01)'],
  ])('names a refused range %o beside its field and shows the last 30 days meanwhile', async (params, field, message) => {
    const response = await stack.app.request(pagePath(params), { headers: { Cookie: cookie } });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`<p class="field-message" id="range-${field}-error" role="alert">${message}</p>`);
    expect(page).toContain(`value="${params.from}"`);
    expect(chartData(page, 'served').labels).toHaveLength(30);
  });
});
