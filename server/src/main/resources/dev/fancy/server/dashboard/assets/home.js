import {api, badge, el, time, STATUSES} from '/assets/app.js';

const EXAMPLE = {
  name: 'etl',
  steps: [
    {id: 'fetch', type: 'task', config: {action: 'fetch', duration_seconds: 0.5,
      fail_probability: 0.2, max_retries: 3}, depends_on: []},
    {id: 'transform', type: 'task', config: {action: 'transform', duration_seconds: 0.5},
      depends_on: ['fetch']},
    {id: 'load', type: 'task', config: {action: 'load', duration_seconds: 0.5},
      depends_on: ['transform']},
  ],
};

const definition = document.getElementById('definition');
const errors = document.getElementById('definition-errors');
const statusFilter = document.getElementById('status-filter');
const workflowFilter = document.getElementById('workflow-filter');
const workflowNames = new Map();
definition.value = JSON.stringify(EXAMPLE, null, 2);
for (const s of STATUSES) statusFilter.append(el('option', {value: s, text: s}));

document.getElementById('create-form').addEventListener('submit', async event => {
  event.preventDefault();
  errors.replaceChildren();
  definition.removeAttribute('aria-invalid');
  const status = document.getElementById('create-status');
  status.textContent = 'Creating…';
  const response = await api('/workflows', {method: 'POST', body: definition.value});
  if (response.status === 201) {
    status.textContent = 'Created workflow ' + response.body.name + '.';
    await loadWorkflows();
    return;
  }
  status.textContent = '';
  definition.setAttribute('aria-invalid', 'true');
  const problem = response.body;
  const list = problem.errors && problem.errors.length ? problem.errors
      : [{pointer: problem.pointer || '', detail: problem.detail}];
  for (const e of list) {
    errors.append(el('li', {}, e.pointer ? el('code', {text: e.pointer}) : null,
        e.pointer ? ' ' : '', e.detail));
  }
  if (problem.hint) errors.append(el('li', {class: 'muted', text: 'Hint: ' + problem.hint}));
});

async function startRun(workflow) {
  const response = await api('/workflows/' + workflow.id + '/runs', {method: 'POST'});
  if (response.status === 202) {
    location.href = '/run.html?id=' + response.body.id;
  } else {
    alert(response.body.detail || 'The run could not start');
  }
}

async function loadWorkflows() {
  const response = await api('/workflows');
  if (response.status !== 200) return;
  const body = document.querySelector('#workflows tbody');
  body.replaceChildren();
  const selected = workflowFilter.value;
  workflowFilter.replaceChildren(el('option', {value: '', text: 'any'}));
  for (const w of response.body.workflows) {
    workflowNames.set(w.id, w.name);
    body.append(el('tr', {},
        el('td', {}, w.name),
        el('td', {}, w.steps.map(s => s.id).join(', ')),
        el('td', {class: 'wide'}, time(w.created_at)),
        el('td', {}, el('button', {type: 'button', class: 'run-button',
          'aria-label': 'Run ' + w.name, onclick: () => startRun(w)}, 'Run'))));
    workflowFilter.append(el('option', {value: w.id, text: w.name + ' (' + w.id.slice(0, 8)
        + ')'}));
  }
  workflowFilter.value = selected;
}

async function loadRuns() {
  const query = new URLSearchParams({limit: '100'});
  if (statusFilter.value) query.set('status', statusFilter.value);
  if (workflowFilter.value) query.set('workflow_id', workflowFilter.value);
  const response = await api('/runs?' + query);
  if (response.status !== 200) return;
  const body = document.querySelector('#runs tbody');
  body.replaceChildren();
  const counts = Object.fromEntries(STATUSES.map(s => [s, 0]));
  for (const r of response.body.runs) {
    counts[r.status]++;
    body.append(el('tr', {},
        el('td', {}, el('a', {href: '/run.html?id=' + r.id, class: 'mono'}, r.id.slice(0, 8))),
        el('td', {}, workflowNames.get(r.workflow_id) || r.workflow_name),
        el('td', {}, badge(r.status)),
        el('td', {class: 'wide'}, time(r.created_at)),
        el('td', {class: 'wide'}, time(r.finished_at))));
  }
  const box = document.getElementById('counts');
  box.replaceChildren(...STATUSES.map(s => {
    const b = badge(s);
    b.textContent = s + ' ' + counts[s];
    return b;
  }));
}

statusFilter.addEventListener('change', loadRuns);
workflowFilter.addEventListener('change', loadRuns);
await loadWorkflows();
await loadRuns();
setInterval(loadRuns, 2000);
