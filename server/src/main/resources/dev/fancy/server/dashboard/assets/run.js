import {api, badge, downloadLink, el, token} from '/assets/app.js';

const runId = new URLSearchParams(location.search).get('id');
document.getElementById('run-id').textContent = runId ? runId.slice(0, 8) : '?';
const live = document.getElementById('live');
let finished = false;
let source = null;
let poller = null;

function setNode(step, status) {
  const node = document.querySelector('#graph .node[data-step="' + CSS.escape(step) + '"]');
  if (!node) return;
  node.setAttribute('class', 'node status-' + status.toLowerCase());
  node.setAttribute('data-status', status);
  const text = node.querySelector('.status-text');
  if (text) text.textContent = status;
  const title = node.querySelector('title');
  if (title) title.textContent = step + ': ' + status;
}

async function loadGraph() {
  const headers = token() ? {'Authorization': 'Bearer ' + token()} : {};
  const response = await fetch('/runs/' + runId + '/graph.svg', {headers});
  if (response.ok) document.getElementById('graph').innerHTML = await response.text();
}

async function loadTimeline(run) {
  const box = document.getElementById('timeline');
  const rows = [];
  const start = Date.parse(run.started_at || run.created_at);
  const now = Date.now();
  let end = Date.parse(run.finished_at || new Date(now).toISOString());
  const perStep = [];
  for (const step of run.steps) {
    const response = await api('/runs/' + runId + '/steps/' + encodeURIComponent(step.id)
        + '/attempts');
    const attempts = response.status === 200 ? response.body.attempts : [];
    for (const a of attempts) {
      end = Math.max(end, a.finished_at ? Date.parse(a.finished_at) : now);
    }
    perStep.push([step, attempts]);
  }
  const span = Math.max(1, end - start);
  for (const [step, attempts] of perStep) {
    const lane = el('div', {class: 'lane'});
    for (const a of attempts) {
      const from = Date.parse(a.started_at) - start;
      const to = (a.finished_at ? Date.parse(a.finished_at) : now) - start;
      const bar = el('div', {class: 'bar ' + a.status,
        title: step.id + ' attempt ' + a.attempt + ': ' + a.status + ' ('
            + Math.round(a.duration_ms) + ' ms)' + (a.error ? ' — ' + a.error.message : ''),
        style: 'left:' + (100 * from / span) + '%;width:'
            + Math.max(0.5, Math.min(100 - 100 * from / span, 100 * (to - from) / span)) + '%'}, '#' + a.attempt + ' ' + a.status);
      lane.append(bar);
    }
    rows.push(el('div', {class: 'row'}, el('span', {class: 'mono'}, step.id), lane));
  }
  box.replaceChildren(...rows);
}

function renderSteps(run) {
  const body = document.querySelector('#steps tbody');
  body.replaceChildren();
  // Outputs are served once the run has ended.
  const ended = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
  for (const s of run.steps) {
    // Outputs are served under their names in the workflow (a tracker step's ID, a cell's
    // alias), which the API lists per step: never guess them from the step's name.
    const links = ended && s.status === 'SUCCEEDED' ? (s.outputs || []).map(name =>
        el('div', {class: 'download'}, downloadLink('/runs/' + runId + '/outputs/'
            + encodeURIComponent(name), name + '.json', 'Download ' + name))) : [];
    const output = s.output_preview || links.length
        ? el('div', {}, s.output_preview ? el('pre', {class: 'preview'}, s.output_preview.json
            + (s.output_preview.truncated ? '…' : '')) : null, ...links)
        : el('span', {class: 'muted'}, '—');
    body.append(el('tr', {'data-step': s.id},
        el('td', {class: 'mono'}, s.id),
        el('td', {}, badge(s.status)),
        el('td', {}, String(s.attempts)),
        el('td', {class: 'wide'}, s.finished_at ? Math.round(s.duration_ms) + ' ms' : '—'),
        el('td', {class: 'step-error'}, s.error ? s.error.message : ''),
        el('td', {}, output)));
  }
}

async function refresh() {
  const response = await api('/runs/' + runId);
  if (response.status !== 200) {
    document.getElementById('run-error').textContent = response.body.detail || 'Unknown run';
    return null;
  }
  const run = response.body;
  document.getElementById('run-status').replaceChildren(badge(run.status));
  document.getElementById('workflow-name').textContent = run.workflow_name;
  document.getElementById('run-error').textContent = run.error ? run.error.message : '';
  for (const s of run.steps) setNode(s.id, s.status);
  renderSteps(run);
  await loadTimeline(run);
  finished = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
  document.getElementById('cancel').disabled = finished;
  document.getElementById('resume').disabled = !(run.status === 'FAILED'
      || run.status === 'CANCELLED');
  return run;
}

function stopWatching() {
  if (source) source.close();
  source = null;
  if (poller) clearInterval(poller);
  poller = null;
  live.textContent = 'Run ended.';
}

function poll() {
  if (poller) return;
  live.textContent = 'Updating every 1.5 s.';
  poller = setInterval(async () => {
    const run = await refresh();
    if (!run || finished) stopWatching();
  }, 1500);
}

function watch() {
  if (finished) {
    stopWatching();
    return;
  }
  if (token() || !window.EventSource) {
    poll();
    return;
  }
  source = new EventSource('/runs/' + runId + '/events');
  live.textContent = 'Live.';
  let pending = null;
  source.onmessage = () => {};
  const onEvent = event => {
    const data = JSON.parse(event.data);
    // A child run's steps (a map element's, a branch's) are not nodes of this graph.
    if (data.step && data.status && !data.child) setNode(data.step, data.status);
    if (data.type === 'RUN_FINISHED') {
      // An earlier end of a resumed run is replayed too: stop only if the run has ended now.
      refresh().then(() => { if (finished) stopWatching(); });
      return;
    }
    // The table and timeline follow with a short delay (several events arrive together).
    if (!pending) pending = setTimeout(() => { pending = null; refresh(); }, 300);
  };
  for (const type of ['run_started', 'attempt_started', 'attempt_failed', 'retry_scheduled',
    'cache_hit', 'step_succeeded', 'step_failed', 'step_skipped', 'step_cancelled',
    'run_finished', 'chunk', 'child_run_started', 'child_run_finished']) {
    source.addEventListener(type, onEvent);
  }
  source.onerror = () => {
    // EventSource reconnects by itself with Last-Event-ID; if it gave up, poll instead.
    if (source && source.readyState === EventSource.CLOSED) {
      source = null;
      poll();
    }
  };
}

document.getElementById('cancel').addEventListener('click', async () => {
  const response = await api('/runs/' + runId + '/cancel', {method: 'POST'});
  if (response.status !== 202) alert(response.body.detail);
  await refresh();
});
document.getElementById('resume').addEventListener('click', async () => {
  const response = await api('/runs/' + runId + '/resume', {method: 'POST'});
  if (response.status !== 202) {
    alert(response.body.detail);
    return;
  }
  finished = false;
  await refresh();
  watch();
});

await loadGraph();
await refresh();
watch();
