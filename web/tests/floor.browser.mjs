// Browser test of the host-stand page: creates a restaurant whose local time is around noon (an
// Etc/GMT±N zone chosen from the current UTC hour, so a booking can be seated now), books three
// couples and a later four through the HTTP API, blocks a table, then opens /ops/floor/ in Debian's
// chromium with playwright-core and checks: the bars match the day sheet, the blocks match
// GET /restaurants/{id}/blocks, a seat click changes the status, a move onto a taken table shows the
// 409 tables_taken, a block added from the page is drawn, and with a staff key the move is refused.
// Env: BASE_URL, OPS_KEY, CLIENT_KEY, SCREENSHOT.
import { call, check, withChromium } from './support.mjs';

const { BASE_URL, OPS_KEY, CLIENT_KEY, SCREENSHOT } = process.env;

// ---- scenario: local time about 12:00 ----------------------------------------------------------
const now = new Date();
const offset = 12 - now.getUTCHours(); // -11 .. +12 hours
const timeZone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`; // Etc/GMT-5 is UTC+5
const sign = offset < 0 ? '-' : '+';
const suffix = `${sign}${String(Math.abs(offset)).padStart(2, '0')}:00`;
const local = new Date(now.getTime() + offset * 3600_000); // its UTC fields are the restaurant's wall clock
const day = local.toISOString().slice(0, 10);
const startMinutes = Math.ceil((local.getUTCHours() * 60 + local.getUTCMinutes()) / 15) * 15 + 15; // 15-30 min from now
const at = (minutes) => `${day}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00${suffix}`;

const restaurant = await call('POST', '/restaurants', OPS_KEY, {
  name: 'Floor Bistro', timeZone,
  services: [{ name: 'all day', start: '09:00', end: '23:00', lastSeating: '21:00' }],
  turnMinutesByPartySize: { 2: 90, 4: 105, 6: 120, 8: 150 }, bufferMinutes: 15,
  tables: [['A1', 'window'], ['A2', 'window'], ['B1', 'main'], ['B2', 'main'], ['B3', 'main']]
    .map(([label, zone]) => ({ label, zone, minCovers: 1, maxCovers: 4 })),
  adjacency: [], maxTablesPerBooking: 1,
});
check(restaurant.status === 201, `restaurant created in ${timeZone} (${restaurant.status})`);
const rid = restaurant.body.id;
const bookings = [];
for (const [minutes, party, name] of [[startMinutes, 2, 'Ada Lovelace'], [startMinutes, 2, 'Grace Hopper'], [startMinutes, 2, 'Alan Turing'], [startMinutes + 180, 4, 'Edsger Dijkstra']]) {
  const booking = await call('POST', '/bookings', CLIENT_KEY, {
    restaurantId: rid, partySize: party, startsAt: at(minutes), customer: { name, email: 'guest@example.com' },
  });
  let view = booking.body;
  for (let i = 0; i < 100 && booking.status === 202 && view.status !== 'confirmed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = (await call('GET', `/bookings/${booking.body.id}`, CLIENT_KEY)).body;
  }
  check([201, 202].includes(booking.status) && view.status === 'confirmed', `${name} (${party}) confirmed at ${at(minutes)} on ${view.tables}`);
  bookings.push(view);
}
const blockFrom = startMinutes + 300;
const block = await call('POST', `/restaurants/${rid}/blocks`, OPS_KEY, { tables: ['B3'], from: at(blockFrom), until: at(blockFrom + 120), reason: 'wobbly leg' });
check(block.status === 201, `B3 blocked (${block.status})`);
const staff = await call('POST', `/restaurants/${rid}/staff-keys`, OPS_KEY, { label: 'host stand' });
check(staff.status === 201, 'a staff key issued');

// ---- browser -------------------------------------------------------------------------------
await withChromium({ width: 1400, height: 900 }, async (browser) => {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error: ' + e.message));
  const login = async (key) => {
    const before = await page.evaluate(() => window.floorState?.loaded ?? 0);
    await page.waitForSelector('#key-form:not([hidden])');
    await page.fill('#key-input', key);
    await page.fill('#restaurant-input', rid);
    await page.click('#key-form button[type=submit]');
    await page.waitForFunction((n) => window.floorState.loaded > n, before, { timeout: 15000 });
  };
  const reloaded = async () => {
    const n = await page.evaluate(() => window.floorState.loaded);
    await page.waitForFunction((k) => window.floorState.loaded > k, n, { timeout: 15000 });
  };
  await page.goto(`${BASE_URL}/ops/floor/?date=${day}`);
  await login(OPS_KEY);
  check(await page.evaluate(() => sessionStorage.getItem('floorApiKey')) === OPS_KEY, 'the key is kept in sessionStorage');
  check(await page.evaluate(() => window.floorState.error) === null, 'every API call of the page succeeded');
  check((await page.textContent('#key-kind')).trim() === 'ops key', 'the page knows it has an ops key');

  // The bars match the day sheet: one per booking and table, on that table's row, with party, name and status.
  const sheet = (await call('GET', `/restaurants/${rid}/bookings?date=${day}`, OPS_KEY)).body.bookings;
  check(sheet.length === 4, 'the day sheet has the four bookings');
  const bars = await page.$$eval('.bar', (nodes) => nodes.map((n) => ({ id: n.dataset.bookingId, table: n.parentElement.dataset.table, text: n.textContent, status: n.dataset.status })));
  check(bars.length === sheet.reduce((n, b) => n + b.tables.length, 0), `one bar per booked table (${bars.length})`);
  for (const b of sheet) {
    const mine = bars.filter((x) => x.id === b.id);
    check(mine.map((x) => x.table).sort().join() === [...b.tables].sort().join()
      && mine.every((x) => x.text === `${b.partySize} · ${b.customer.name} · ${b.status}` && x.status === b.status),
      `${b.customer.name}: "${mine[0]?.text}" on ${mine.map((x) => x.table)}`);
  }
  const blocks = await page.$$eval('.block', (nodes) => nodes.map((n) => ({ id: n.dataset.blockId, table: n.parentElement.dataset.table })));
  check(blocks.length === 1 && blocks[0].id === block.body.id && blocks[0].table === 'B3', 'the block is drawn on B3');

  // Seat: the click changes the status.
  const [ada, grace, alan] = bookings;
  await page.click(`.bar[data-booking-id="${ada.id}"]`);
  await page.click('#detail [data-action=seat]');
  await page.waitForSelector(`.bar[data-booking-id="${ada.id}"][data-status="checked_in"]`, { timeout: 10000 });
  check((await call('GET', `/bookings/${ada.id}`, OPS_KEY)).body.status === 'checked_in', 'a seat click seats the booking (checked_in)');
  check((await page.textContent(`.bar[data-booking-id="${ada.id}"]`)).endsWith('checked_in'), 'the bar shows checked_in');

  // Move onto a taken table: the 409 is shown, nothing moves.
  await page.click(`.bar[data-booking-id="${grace.id}"]`);
  await page.fill('#move-tables', alan.tables[0]);
  await page.click('#move');
  await page.waitForFunction(() => document.getElementById('message').dataset.status === '409', null, { timeout: 10000 });
  const message = await page.textContent('#message');
  check(/tables_taken/.test(message), `the conflict is shown: ${message}`);
  check((await call('GET', `/bookings/${grace.id}`, OPS_KEY)).body.tables.join() === grace.tables.join(), 'the booking kept its table');

  // A block added from the page is drawn.
  await page.fill('#block-tables', 'A1');
  const hh = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  await page.fill('#block-from', hh(startMinutes + 420));
  await page.fill('#block-until', hh(startMinutes + 480));
  await page.fill('#block-reason', 'staff meal');
  await page.click('#block-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('.block').length === 2, null, { timeout: 10000 });
  const listed = (await call('GET', `/restaurants/${rid}/blocks?date=${day}`, OPS_KEY)).body.blocks;
  check(listed.length === 2 && listed.some((b) => b.tables.join() === 'A1' && b.reason === 'staff meal' && b.from.slice(11, 16) === hh(startMinutes + 420)),
    'the page added the block at the local time typed');
  await reloaded();
  check(await page.locator('.bar').count() === bars.length, 'the page refreshes on its own and keeps every bar');
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // A staff key sees its restaurant and may not move.
  await page.click('#forget');
  await login(staff.body.key);
  check((await page.textContent('#key-kind')).trim() === 'staff key' && await page.locator('.bar').count() === bars.length, 'a staff key sees the same floor');
  await page.click(`.bar[data-booking-id="${grace.id}"]`);
  check(await page.isDisabled('#move') && await page.isVisible('#move-note'), 'with a staff key the move is shown as not allowed');
});
console.log(process.exitCode ? 'floor browser test FAILED' : 'floor browser test passed');
