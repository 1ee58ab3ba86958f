// Ops dashboard: reads /ops/pipeline, /ops/rollout-report, /ops/metrics and /ops/manual-review with
// the ops key (kept in sessionStorage only) and lets an operator assign tables to a queued booking.
import {
  Chart, LineController, BarController, LineElement, BarElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(LineController, BarController, LineElement, BarElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const KEY = 'opsApiKey';
const PHASES = ['local', 'staging-shadow', 'staging-full', 'production-shadow', 'production-10', 'production-50', 'production-100'];
const $ = (id) => document.getElementById(id);
const charts = {};
window.dashboardCharts = charts;
window.dashboardState = { loaded: 0, verdict: null, error: null };

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { 'X-Api-Key': sessionStorage.getItem(KEY) ?? '', 'Content-Type': 'application/json', ...(options.headers ?? {}) },
  });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text }; }
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(KEY);
    showKeyForm('That key is not an ops key (HTTP ' + response.status + ').');
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
}

const label = (iso, bucket) => {
  const d = new Date(iso);
  return bucket.endsWith('d') || bucket === '24h'
    ? d.toISOString().slice(5, 10)
    : d.toISOString().slice(5, 16).replace('T', ' ');
};

function draw(id, type, labels, datasets, yMax) {
  const options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    scales: { y: { beginAtZero: true, ...(yMax ? { max: yMax } : {}) } },
    plugins: { legend: { display: datasets.length > 1 } },
  };
  if (charts[id]) {
    charts[id].data.labels = labels;
    charts[id].data.datasets = datasets;
    charts[id].update();
  } else {
    charts[id] = new Chart($(id), { type, data: { labels, datasets }, options });
  }
}

const line = (labelText, data, color) => ({ label: labelText, data, borderColor: color, backgroundColor: color, pointRadius: 3, tension: 0.2 });

function breakerSeries(metrics, circuit) {
  // State at the end of each bucket, from the recorded changes (and the current state for the last bucket).
  const changes = metrics.breakerChanges.filter((c) => c.circuit === circuit);
  const step = (new Date(metrics.to) - new Date(metrics.from)) / metrics.buckets.length;
  return metrics.buckets.map((b, i) => {
    const end = new Date(b).getTime() + step;
    const last = changes.filter((c) => new Date(c.at).getTime() <= end).pop();
    if (i === metrics.buckets.length - 1 && metrics.breakersNow?.[circuit]) return metrics.breakersNow[circuit].status === 'closed' ? 0 : 1;
    return last && last.status !== 'closed' ? 1 : 0;
  });
}

async function loadMetrics(win) {
  const { status, body } = await api(`/ops/metrics?window=${win}`);
  if (status !== 200) throw new Error('metrics: HTTP ' + status);
  const labels = body.buckets.map((b) => label(b, body.bucket));
  const s = body.series;
  draw('chart-confirmation', 'line', labels, [line('confirmed %', s.confirmationRate, '#1a7f37')], 100);
  draw('chart-manual', 'line', labels, [line('manual review %', s.manualReviewShare, '#b26a00')], 100);
  draw('chart-agreement', 'line', labels, [line('shadow agreement %', s.shadowAgreement, '#5b4bc4')], 100);
  draw('chart-latency', 'line', labels, [line('p50', s.latencyP50, '#2f6fba'), line('p95', s.latencyP95, '#c62828')]);
  draw('chart-lock', 'line', labels, [line('p50', s.lockWaitP50, '#2f6fba'), line('p95', s.lockWaitP95, '#c62828')]);
  draw('chart-pipelines', 'bar', labels, [
    { label: 'legacy', data: s.bookingsLegacy, backgroundColor: '#8a96a3' },
    { label: 'v3', data: s.bookingsV3, backgroundColor: '#2f6fba' },
  ]);
  draw('chart-breakers', 'line', labels, [
    { ...line('coordinator', breakerSeries(body, 'coordinator'), '#c62828'), stepped: true },
    { ...line('redis-lock', breakerSeries(body, 'redis-lock'), '#b26a00'), stepped: true },
  ], 1);
}

async function loadPipeline() {
  const { body } = await api('/ops/pipeline');
  $('mode').textContent = body.mode;
  $('flags').replaceChildren(...Object.entries(body.flags).flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = String(v);
    return [dt, dd];
  }));
  $('breakers-now').textContent = 'Breakers now: ' + Object.entries(body.breakers).map(([k, v]) => `${k} ${v.status}`).join(', ');
}

async function loadReport(win) {
  const phase = $('phase').value;
  const { status, body } = await api(`/ops/rollout-report?window=${win}${phase ? `&phase=${phase}` : ''}`);
  if (status !== 200) throw new Error('report: HTTP ' + status);
  if (!phase) $('phase').value = body.phase;
  $('verdict').textContent = body.verdict;
  $('verdict').dataset.verdict = body.verdict;
  window.dashboardState.verdict = body.verdict;
  $('reasons').replaceChildren(...body.reasons.map((r) => Object.assign(document.createElement('li'), { textContent: r })));
  $('checks').tBodies[0].replaceChildren(...body.checks.map((c) => {
    const tr = document.createElement('tr');
    for (const [text, cls] of [[c.metric], [c.value], [c.target], [c.status, 'status-' + c.status.split(' ')[0]]]) {
      const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.append(td);
    }
    return tr;
  }));
  showCohorts(body.cohorts);
}

const pct = (v) => (v === null || v === undefined ? '-' : v.toFixed(2) + ' %');
const ms = (v) => (v === null || v === undefined ? '-' : v + ' ms');
const COHORT_NAMES = { v3: 'V3', legacy: 'legacy', shadow: 'shadow (V3 dry runs)' };

// The report's cohorts section, side by side; null numbers are left out of the JSON.
function showCohorts(cohorts) {
  $('cohort-comparison').textContent = cohorts.comparison;
  $('cohort-comparison').className = 'status-' + cohorts.comparison.split(' ')[0];
  $('cohort-note').textContent = `Compared in percentage phases; each cohort needs at least ${cohorts.minBookings} bookings.`;
  $('cohorts').tBodies[0].replaceChildren(...['v3', 'legacy', 'shadow'].map((key) => {
    const c = cohorts[key];
    const tr = document.createElement('tr');
    tr.dataset.cohort = key;
    const errors = c.coordinatorRuns ? `${pct(c.coordinatorErrorPct)} (${c.coordinatorErrors}/${c.coordinatorRuns})` : '-';
    for (const text of [COHORT_NAMES[key], c.bookings, pct(c.confirmationPct), pct(c.manualReviewPct), ms(c.assignmentP95Ms), ms(c.lockP95Ms), errors])
      tr.append(Object.assign(document.createElement('td'), { textContent: String(text) }));
    return tr;
  }));
}

async function loadQueue() {
  const { body } = await api('/ops/manual-review');
  $('queue-count').textContent = body.count;
  $('queue').tBodies[0].replaceChildren(...body.items.map((item) => {
    const tr = document.createElement('tr');
    tr.dataset.bookingId = item.id;
    for (const text of [item.reference, item.restaurantName, item.partySize, item.startsAt.slice(0, 16).replace('T', ' '), item.reason ?? '', item.ageMinutes]) {
      tr.append(Object.assign(document.createElement('td'), { textContent: String(text) }));
    }
    const input = Object.assign(document.createElement('input'), {
      value: (item.suggestedTables[0] ?? []).join(','), placeholder: 'T1,T2', size: 8, className: 'tables',
    });
    const button = Object.assign(document.createElement('button'), { textContent: 'Assign', type: 'button', className: 'assign' });
    button.addEventListener('click', () => assign(item, input.value));
    const tdInput = document.createElement('td'); tdInput.append(input);
    const tdButton = document.createElement('td'); tdButton.append(button);
    tr.append(tdInput, tdButton);
    return tr;
  }));
}

async function assign(item, tablesText) {
  const tables = tablesText.split(',').map((t) => t.trim()).filter(Boolean);
  const { status, body } = await api(`/bookings/${item.id}/assign`, { method: 'POST', body: JSON.stringify({ tables }) });
  $('queue-message').textContent = status === 200
    ? `${item.reference} ${body.status} on ${body.tables.join(', ')}`
    : `${item.reference}: ${body?.title ?? 'HTTP ' + status} — ${body?.detail ?? JSON.stringify(body?.errors ?? {})}`;
  $('queue-message').dataset.status = String(status);
  await loadQueue();
}

async function loadAll() {
  const win = $('window').value;
  try {
    await Promise.all([loadPipeline(), loadReport(win), loadMetrics(win), loadQueue()]);
    window.dashboardState.loaded += 1;
    window.dashboardState.error = null;
  } catch (e) {
    window.dashboardState.error = String(e);
    console.error(e);
  }
}

function start() {
  $('phase').replaceChildren(Object.assign(document.createElement('option'), { value: '', textContent: '(from flags)' }),
    ...PHASES.map((p) => Object.assign(document.createElement('option'), { value: p, textContent: p })));
  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, $('key-input').value.trim());
    open();
  });
  $('refresh').addEventListener('click', loadAll);
  $('window').addEventListener('change', loadAll);
  $('phase').addEventListener('change', loadAll);
  $('forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); showKeyForm(); });
  if (sessionStorage.getItem(KEY)) open(); else showKeyForm();
}

function open() {
  $('key-form').hidden = true;
  $('controls').hidden = false;
  $('main').hidden = false;
  loadAll();
}

start();
