// Host-stand page: a timeline of one restaurant's tables for a date, from GET /restaurants/{id},
// the day sheet (GET /restaurants/{id}/bookings) and GET /restaurants/{id}/blocks, with the key the
// user typed (staff or ops, kept in sessionStorage only). Visit actions, moves (manual assignment,
// ops only) and new blocks go through the same API; the page refreshes every few seconds.
const KEY = 'floorApiKey';
const RESTAURANT = 'floorRestaurantId';
const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}) => Object.assign(document.createElement(tag), props);
window.floorState = { loaded: 0, error: null, isOps: null };
let state = { restaurant: null, bookings: [], blocks: [], selected: null };
let loading = false;

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { 'X-Api-Key': sessionStorage.getItem(KEY) ?? '', 'Content-Type': 'application/json' },
  });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text }; }
  if (response.status === 401) {
    sessionStorage.removeItem(KEY);
    showKeyForm('That key is not accepted (HTTP 401).');
    throw new Error('unauthorised');
  }
  return { status: response.status, body };
}

function showKeyForm(message) {
  $('key-form').hidden = false;
  $('controls').hidden = true;
  $('main').hidden = true;
  $('key-error').hidden = !message;
  $('key-error').textContent = message ?? '';
  $('restaurant-input').value = sessionStorage.getItem(RESTAURANT) ?? '';
}

// An answer as a line for the user: the problem's title, detail, code and currentStatus when present.
function say(label, status, body) {
  const ok = status >= 200 && status < 300;
  const parts = ok ? [label, 'done'] : [label + ':', `HTTP ${status}`, body?.title, body?.detail,
    body?.code && `code ${body.code}`, body?.currentStatus && `currentStatus ${body.currentStatus}`,
    body?.errors && Object.values(body.errors).flat().join(' ')];
  $('message').textContent = parts.filter(Boolean).join(' — ');
  $('message').dataset.ok = String(ok);
  $('message').dataset.status = String(status);
  $('message').dataset.code = body?.code ?? '';
}

// ---- time: minutes from the chosen date's local midnight, read from the offset-bearing local ISO strings ----
const dayMs = (date) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
const minutesOf = (iso, date) =>
  (Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10), +iso.slice(11, 13), +iso.slice(14, 16)) - dayMs(date)) / 60000;
const hhmm = (m) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const parseHhmm = (t) => +t.slice(0, 2) * 60 + +t.slice(3, 5);

// The restaurant's UTC offset at a local wall time, as "+hh:mm" (Intl knows the time zone rules).
function offsetAt(timeZone, date, time) {
  const wall = dayMs(date) + parseHhmm(time) * 60000;
  const offsetMinutes = (instant) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName').value; // "GMT+05:30" or "GMT"
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]) : 0;
  };
  const minutes = offsetMinutes(wall - offsetMinutes(wall) * 60000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---- data ----------------------------------------------------------------------------------
async function loadDaySheet(id, date) {
  const bookings = [];
  let cursor = null;
  do {
    const { status, body } = await api(`/restaurants/${id}/bookings?date=${date}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (status !== 200) throw new Error(`day sheet: HTTP ${status}`);
    bookings.push(...body.bookings);
    cursor = body.nextCursor;
  } while (cursor);
  return bookings;
}

async function loadAll() {
  if (loading) return;
  loading = true;
  const id = sessionStorage.getItem(RESTAURANT);
  const date = $('date').value;
  try {
    const restaurant = await api(`/restaurants/${id}`);
    if (restaurant.status !== 200) throw new Error(restaurant.status === 404
      ? `Restaurant ${id} not found (a staff key sees only its own restaurant).` : `restaurant: HTTP ${restaurant.status}`);
    const [bookings, blocks] = await Promise.all([loadDaySheet(id, date), api(`/restaurants/${id}/blocks?date=${date}`)]);
    if (blocks.status !== 200) throw new Error(`blocks: HTTP ${blocks.status}`);
    state = { ...state, restaurant: restaurant.body, bookings, blocks: blocks.body.blocks };
    $('restaurant-name').textContent = restaurant.body.name;
    draw(date);
    window.floorState.loaded += 1;
    window.floorState.error = null;
  } catch (e) {
    window.floorState.error = String(e.message ?? e);
    if (e.message !== 'unauthorised') say('Loading', 0, { detail: window.floorState.error });
  } finally {
    loading = false;
  }
}

// ---- drawing -------------------------------------------------------------------------------
// The hours shown: every service of the day (one past midnight ends the next day), widened to any booking or block outside them.
function span(date) {
  let [from, until] = [Infinity, -Infinity];
  for (const s of state.restaurant.services) {
    const start = parseHhmm(s.start);
    let end = parseHhmm(s.end);
    if (end <= start) end += 1440;
    [from, until] = [Math.min(from, start), Math.max(until, end)];
  }
  for (const item of [...state.bookings.map((b) => [b.startsAt, b.endsAt]), ...state.blocks.map((b) => [b.from, b.until])]) {
    from = Math.min(from, Math.max(0, minutesOf(item[0], date)));
    until = Math.max(until, Math.min(2880, minutesOf(item[1], date)));
  }
  if (!Number.isFinite(from)) [from, until] = [0, 1440];
  return [Math.floor(from / 60) * 60, Math.ceil(until / 60) * 60];
}

function place(node, start, end, [from, until]) {
  const clamp = (m) => Math.min(Math.max(m, from), until);
  node.style.left = `${((clamp(start) - from) / (until - from)) * 100}%`;
  node.style.width = `${((clamp(end) - clamp(start)) / (until - from)) * 100}%`;
  return node;
}

function draw(date) {
  const hours = span(date);
  const axis = el('div', { className: 'axis' });
  const ticks = el('div', { className: 'track' });
  for (let m = hours[0]; m < hours[1]; m += 60) ticks.append(place(el('span', { className: 'tick', textContent: hhmm(m) }), m, m + 60, hours));
  axis.append(el('div'), ticks);

  const tracks = new Map();
  const rows = [];
  const zones = [...new Set(state.restaurant.tables.map((t) => t.zone))];
  for (const zone of zones) {
    rows.push(el('div', { className: 'zone', textContent: zone }));
    for (const t of state.restaurant.tables.filter((x) => x.zone === zone)) rows.push(row(t.label, `${t.label} (${t.minCovers}–${t.maxCovers})`, tracks));
  }
  const live = state.bookings.filter((b) => b.status !== 'cancelled');
  if (live.some((b) => b.tables.length === 0)) {
    rows.push(el('div', { className: 'zone', textContent: 'no table yet' }));
    rows.push(row('', 'unassigned', tracks));
  }
  for (const b of state.blocks)
    for (const label of b.tables) {
      const node = place(el('div', { className: 'block', textContent: `blocked: ${b.reason}`, title: `${b.reason} ${b.from.slice(11, 16)}–${b.until.slice(11, 16)}` }),
        minutesOf(b.from, date), minutesOf(b.until, date), hours);
      node.dataset.blockId = b.id;
      node.dataset.table = label;
      tracks.get(label)?.append(node);
    }
  for (const b of live)
    for (const label of b.tables.length ? b.tables : ['']) {
      const text = `${b.partySize} · ${b.customer?.name ?? b.reference} · ${b.status}`;
      const node = place(el('div', { className: 'bar', textContent: text, title: `${b.reference} ${b.startsAt.slice(11, 16)}–${b.endsAt.slice(11, 16)} ${text}` }),
        minutesOf(b.startsAt, date), minutesOf(b.endsAt, date), hours);
      Object.assign(node.dataset, { bookingId: b.id, status: b.status, table: label });
      if (b.id === state.selected) node.classList.add('selected');
      node.addEventListener('click', () => select(b.id));
      tracks.get(label)?.append(node);
    }
  $('timeline').replaceChildren(axis, ...rows);
  if (state.selected) showDetail();
}

function row(label, text, tracks) {
  const track = el('div', { className: 'track' });
  track.dataset.table = label;
  tracks.set(label, track);
  const node = el('div', { className: 'row' });
  node.append(el('div', { className: 'label', textContent: text }), track);
  return node;
}

// ---- actions -------------------------------------------------------------------------------
function select(id) {
  state.selected = id;
  document.querySelectorAll('.bar').forEach((b) => b.classList.toggle('selected', b.dataset.bookingId === id));
  $('move-tables').value = '';
  showDetail();
}

function showDetail() {
  const b = state.bookings.find((x) => x.id === state.selected);
  $('detail').hidden = !b;
  if (!b) return;
  $('detail').dataset.bookingId = b.id;
  $('detail-title').textContent = `${b.reference}: ${b.customer?.name ?? ''}, party of ${b.partySize}`;
  $('detail-info').textContent = `${b.startsAt.slice(11, 16)}–${b.endsAt.slice(11, 16)} on ${b.tables.join(', ') || 'no table'}; ${b.status}`;
  const ops = window.floorState.isOps === true;
  $('move').disabled = !ops;
  $('move-note').hidden = ops;
}

async function visit(action) {
  const b = state.bookings.find((x) => x.id === state.selected);
  if (!b) return;
  const { status, body } = await api(`/bookings/${b.id}/${action}`, { method: 'POST' });
  say(`${action} ${b.reference}`, status, status === 403 ? { detail: 'This key may not record visits.' } : body);
  await loadAll();
}

async function move() {
  const b = state.bookings.find((x) => x.id === state.selected);
  if (!b) return;
  const tables = $('move-tables').value.split(',').map((t) => t.trim()).filter(Boolean);
  const { status, body } = await api(`/bookings/${b.id}/assign`, { method: 'POST', body: JSON.stringify({ tables }) });
  say(`move ${b.reference} to ${tables.join(', ')}`, status,
    status === 403 ? { detail: 'Not allowed with this key: manual assignment is ops-only.' } : body);
  await loadAll();
}

async function addBlock(e) {
  e.preventDefault();
  const date = $('date').value;
  const zone = state.restaurant.timeZone;
  const at = (day, time) => `${day}T${time}:00${offsetAt(zone, day, time)}`;
  const [from, until] = [$('block-from').value, $('block-until').value];
  // An end at or before the start is past midnight, on the next day.
  const untilDay = until <= from ? new Date(dayMs(date) + 86400000).toISOString().slice(0, 10) : date;
  const body = {
    tables: $('block-tables').value.split(',').map((t) => t.trim()).filter(Boolean),
    from: at(date, from), until: at(untilDay, until), reason: $('block-reason').value,
  };
  const answer = await api(`/restaurants/${state.restaurant.id}/blocks`, { method: 'POST', body: JSON.stringify(body) });
  say(`block ${body.tables.join(', ')}`, answer.status, answer.body);
  await loadAll();
}

// ---- start ---------------------------------------------------------------------------------
async function open() {
  $('key-form').hidden = true;
  $('controls').hidden = false;
  $('main').hidden = false;
  // An ops key may move bookings; a staff key gets 403 on /ops endpoints.
  try {
    window.floorState.isOps = (await api('/ops/pipeline')).status === 200;
  } catch { return; }
  $('key-kind').textContent = window.floorState.isOps ? 'ops key' : 'staff key';
  await loadAll();
}

function start() {
  const params = new URLSearchParams(location.search);
  if (params.get('restaurant')) sessionStorage.setItem(RESTAURANT, params.get('restaurant'));
  $('date').value = params.get('date') ?? new Date().toLocaleDateString('en-CA'); // YYYY-MM-DD, the browser's today
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('key-input').value.trim());
    sessionStorage.setItem(RESTAURANT, $('restaurant-input').value.trim());
    open();
  });
  $('refresh').addEventListener('click', loadAll);
  $('date').addEventListener('change', () => { state.selected = null; loadAll(); });
  $('forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); state.selected = null; showKeyForm(); });
  document.querySelectorAll('[data-action]').forEach((b) => b.addEventListener('click', () => visit(b.dataset.action)));
  $('move').addEventListener('click', move);
  $('block-form').addEventListener('submit', addBlock);
  setInterval(() => { if (!$('main').hidden) loadAll(); }, REFRESH_MS);
  if (sessionStorage.getItem(KEY) && sessionStorage.getItem(RESTAURANT)) open(); else showKeyForm();
}

start();
