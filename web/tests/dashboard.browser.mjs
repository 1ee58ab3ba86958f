// Browser test of the ops dashboard: seeds a V3 + shadow scenario through the HTTP API (plus
// manual-review rows through psql), opens /ops/dashboard/ in Debian's chromium with playwright-core,
// enters the ops key and checks: every chart drew data points, the verdict matches
// GET /ops/rollout-report, the cohort table shows V3, legacy and shadow as the report does, and an
// assign action from the queue confirms a booking.
// Env: BASE_URL, OPS_KEY, CLIENT_KEY, PSQL (command line prefix for the API's database), SCREENSHOT.
import { execFileSync } from 'node:child_process';
import { call, check, withChromium } from './support.mjs';

const { BASE_URL, OPS_KEY, CLIENT_KEY, PSQL, SCREENSHOT } = process.env;

function sql(statement) {
  const [command, ...args] = PSQL.split(' ');
  return execFileSync(command, [...args, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', statement], { encoding: 'utf8' }).trim();
}

// ---- scenario ------------------------------------------------------------------------------
const day = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
const restaurant = await call('POST', '/restaurants', OPS_KEY, {
  name: 'Browser Bistro', timeZone: 'Etc/UTC',
  services: [{ name: 'lunch', start: '12:00', end: '15:00', lastSeating: '14:00' }, { name: 'dinner', start: '17:00', end: '23:00', lastSeating: '21:30' }],
  turnMinutesByPartySize: { 2: 90, 4: 105, 6: 120, 8: 150 }, bufferMinutes: 15,
  tables: ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'].map((label) => ({ label, zone: 'main', minCovers: 1, maxCovers: 4 })),
  adjacency: [], maxTablesPerBooking: 1,
});
check(restaurant.status === 201, `restaurant created (${restaurant.status})`);
const confirmed = [];
for (const [time, party] of [['19:00', 2], ['19:00', 4], ['19:00', 2], ['12:30', 2], ['12:30', 3], ['20:00', 2]]) {
  const booking = await call('POST', '/bookings', CLIENT_KEY, {
    restaurantId: restaurant.body.id, partySize: party, startsAt: `${day}T${time}:00+00:00`,
    customer: { name: 'Browser Guest', email: 'guest@example.com', phone: '+44 20 7946 0000' },
  });
  // A cold start can exceed the inline budget (202): the worker finishes it, so poll.
  let view = booking.body;
  for (let i = 0; i < 100 && booking.status === 202 && view.assignmentState !== 'confirmed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = (await call('GET', `/bookings/${booking.body.id}`, CLIENT_KEY)).body;
  }
  check([201, 202].includes(booking.status) && view.status === 'confirmed' && view.pipeline === 'v3', `booking ${time} party ${party} confirmed on V3 (${booking.status}, ${view.tables})`);
  confirmed.push(booking.body.id);
}
const manual = [];
for (let i = 0; i < 2; i++) {
  const id = sql(`INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state, assignment_pipeline, assignment_reason, customer_name)
    VALUES (gen_random_uuid(), '${restaurant.body.id}', 'BK-BROWSER${i}', 2, '${day} 13:00+00', '${day} 14:30+00', 'pending', 'manual_review', 'v3', 'no_table_combination_free', 'Queued Guest ${i}') RETURNING id`).split('\n')[0];
  manual.push(id);
}
check(manual.length === 2, 'two manual-review bookings queued');
// Dry runs finish in the background: wait for their comparisons.
for (let i = 0; i < 100 && Number(sql("SELECT count(*) FROM observability_events WHERE event_type = 'shadow.comparison'")) < confirmed.length; i++)
  await new Promise((r) => setTimeout(r, 100));

// ---- browser -------------------------------------------------------------------------------
await withChromium({ width: 1400, height: 1500 }, async (browser) => {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error: ' + e.message));
  await page.goto(BASE_URL + '/ops/dashboard');
  await page.waitForSelector('#key-form:not([hidden])');
  await page.fill('#key-input', OPS_KEY);
  await page.click('#key-form button[type=submit]');
  await page.waitForFunction(() => window.dashboardState?.loaded >= 1, null, { timeout: 15000 });
  check(await page.evaluate(() => sessionStorage.getItem('opsApiKey')) === OPS_KEY, 'the ops key is kept in sessionStorage');
  check(await page.evaluate(() => window.dashboardState.error) === null, 'every API call of the page succeeded');

  await page.selectOption('#window', '1h');
  await page.waitForFunction(() => window.dashboardState.loaded >= 2, null, { timeout: 15000 });
  const charts = await page.evaluate(() => Object.entries(window.dashboardCharts).map(([id, chart]) => ({
    id,
    points: chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== undefined).length, 0),
    // elements Chart.js placed on the canvas for non-null values
    drawn: chart.data.datasets.reduce((n, d, i) => n + chart.getDatasetMeta(i).data.filter((e, k) => d.data[k] !== null && !e.skip && Number.isFinite(e.x) && Number.isFinite(e.y)).length, 0),
  })));
  check(charts.length === 7, `7 charts on the page (${charts.map((c) => c.id).join(', ')})`);
  for (const c of charts) check(c.points > 0 && c.drawn > 0, `${c.id} drew ${c.drawn} points (${c.points} values)`);
  for (const id of ['chart-confirmation', 'chart-manual', 'chart-agreement', 'chart-latency', 'chart-lock', 'chart-pipelines'])
    check(charts.find((c) => c.id === id).points > 0, `${id} has data`);

  const shownVerdict = (await page.textContent('#verdict')).trim();
  const shownPhase = await page.inputValue('#phase');
  const report = await call('GET', `/ops/rollout-report?window=1h&phase=${shownPhase}`, OPS_KEY);
  check(report.status === 200 && shownVerdict === report.body.verdict, `verdict on the page "${shownVerdict}" = GET /ops/rollout-report "${report.body.verdict}" (phase ${shownPhase})`);
  check(await page.locator('#checks tbody tr').count() === report.body.checks.length, 'every report check is listed');
  const cohortRows = await page.$$eval('#cohorts tbody tr', (rows) => rows.map((r) => ({ cohort: r.dataset.cohort, bookings: Number(r.cells[1].textContent) })));
  check(cohortRows.map((r) => r.cohort).join(',') === 'v3,legacy,shadow', `the cohort table shows V3, legacy and shadow side by side (${cohortRows.map((r) => r.cohort)})`);
  for (const r of cohortRows)
    check(r.bookings === report.body.cohorts[r.cohort].bookings, `cohort ${r.cohort}: ${r.bookings} bookings = GET /ops/rollout-report`);
  check((await page.textContent('#cohort-comparison')).trim() === report.body.cohorts.comparison, `cohort comparison shown = "${report.body.cohorts.comparison}"`);
  const mode = (await page.textContent('#mode')).trim();
  const pipeline = await call('GET', '/ops/pipeline', OPS_KEY);
  check(mode === pipeline.body.mode, `mode shown "${mode}" = GET /ops/pipeline`);

  check(await page.locator('#queue tbody tr').count() === 2, 'the manual-review queue lists both bookings');
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
  const row = page.locator(`#queue tbody tr[data-booking-id="${manual[0]}"]`);
  const tables = await row.locator('input.tables').inputValue();
  check(tables.length > 0, `the queue suggests tables (${tables})`);
  await row.locator('button.assign').click();
  await page.waitForFunction(() => document.getElementById('queue-message').dataset.status, null, { timeout: 10000 });
  const message = await page.textContent('#queue-message');
  check(/confirmed on/.test(message), `assign answered: ${message}`);
  const after = await call('GET', `/bookings/${manual[0]}`, OPS_KEY);
  check(after.body.status === 'confirmed' && after.body.tables.join(',') === tables, `booking ${manual[0]} is confirmed on ${after.body.tables}`);
  check(sql(`SELECT pinned FROM bookings WHERE id = '${manual[0]}'`) === 't', 'the assigned booking is pinned');
  await page.waitForFunction(() => document.querySelectorAll('#queue tbody tr').length === 1, null, { timeout: 10000 });
  check(true, 'the queue shrank to one booking');
});
console.log(process.exitCode ? 'browser test FAILED' : 'browser test passed');
