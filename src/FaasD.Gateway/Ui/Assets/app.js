// FaasD portal: a small hash-routed page over the OpenFaaS API (/system/*, /function/*) and /ui/api/*.
// No framework and no build step; every value from the server is inserted as text, never as HTML.
'use strict';

const REFRESH_MS = 5000;
const state = { ns: 'openfaas-fn', namespaces: [], timer: 0, logAbort: null, view: '' };

// ---- helpers -------------------------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

const $ = (sel) => document.querySelector(sel);
const enc = encodeURIComponent;

async function api(method, path, body, expectJson) {
  const init = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    const text = (await res.text()).trim();
    throw new Error(`${res.status} ${text || res.statusText}`);
  }
  return expectJson ? res.json() : res.text();
}

function toast(text, isError) {
  const t = $('#toast');
  t.textContent = text;
  t.className = 'show' + (isError ? ' error' : '');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ''; }, 4000);
}

function confirmDialog(text) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('#confirm-cancel').focus();
  });
}

const fmtBytes = (b) => b == null ? '–' : b >= 1073741824 ? (b / 1073741824).toFixed(2) + ' GiB' : (b / 1048576).toFixed(1) + ' MiB';
const fmtMs = (ms) => ms == null ? '–' : ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : ms.toFixed(ms < 10 ? 2 : 0) + ' ms';
const fmtCpu = (m) => m == null ? '–' : m.toFixed(0) + ' m';
const stateBadge = (s) => h('span', { class: 'state state-' + s, text: s });

function parsePairs(text, what) {
  const map = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf('=');
    if (i <= 0) throw new Error(`${what}: "${line}" is not KEY=VALUE`);
    map[line.slice(0, i).trim()] = line.slice(i + 1);
  }
  return map;
}

const pairsText = (map) => Object.entries(map || {}).map(([k, v]) => `${k}=${v}`).join('\n');

function setView(title, ...content) {
  const main = $('#main');
  main.replaceChildren(h('h1', { text: title }), ...content);
  document.title = title + ' · FaasD';
}

// ---- routing -------------------------------------------------------------------------------------------------

function route() {
  clearInterval(state.timer);
  if (state.logAbort) { state.logAbort.abort(); state.logAbort = null; }
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const a of document.querySelectorAll('nav a')) a.removeAttribute('aria-current');
  const nav = { '': 'functions', fn: 'functions', deploy: 'deploy', secrets: 'secrets', namespaces: 'namespaces' }[parts[0] || ''];
  if (nav) $('#nav-' + nav).setAttribute('aria-current', 'page');
  if (parts[0] === 'fn' && parts.length === 3) return functionView(parts[1], parts[2]);
  if (parts[0] === 'deploy') return deployView(params.get('name'), params.get('ns'));
  if (parts[0] === 'secrets') return secretsView();
  if (parts[0] === 'namespaces') return namespacesView();
  return listView();
}

async function loadNamespaces() {
  try {
    state.namespaces = await api('GET', '/system/namespaces', undefined, true);
  } catch (e) {
    state.namespaces = [state.ns];
    toast('Could not list namespaces: ' + e.message, true);
  }
  const select = $('#namespace');
  select.replaceChildren(...state.namespaces.map((n) => h('option', { value: n, selected: n === state.ns, text: n })));
}

// ---- function list -------------------------------------------------------------------------------------------

function listView() {
  const search = h('input', { type: 'search', id: 'search', placeholder: 'name or image', 'aria-controls': 'functions', oninput: () => renderRows() });
  const live = h('input', { type: 'checkbox', id: 'live', checked: true, onchange: () => schedule() });
  const count = h('span', { id: 'count', class: 'muted', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const cols = [['Name'], ['Status'], ['Replicas', 'num'], ['Invocations', 'num'], ['p50', 'num'], ['Memory', 'num'], ['CPU', 'num'], ['Image']];
  const table = h('table', { id: 'functions' },
    h('caption', { class: 'sr', text: 'Functions in the selected namespace' }),
    h('thead', {}, h('tr', {}, cols.map(([c, cls]) => h('th', { scope: 'col', class: cls, text: c })))),
    tbody);
  setView('Functions',
    h('div', { class: 'toolbar' }, h('label', { for: 'search', text: 'Search' }), search,
      h('label', { class: 'inline' }, live, ' Live refresh'), count,
      h('a', { href: '#/deploy', text: 'Deploy a function' })),
    table);
  let rows = [];
  let first = true;

  function renderRows() {
    const q = search.value.trim().toLowerCase();
    const shown = rows.filter((f) => !q || f.name.toLowerCase().includes(q) || f.image.toLowerCase().includes(q));
    tbody.replaceChildren(...shown.map((f) => h('tr', { 'data-name': f.name },
      h('td', {}, h('a', { href: `#/fn/${enc(f.namespace)}/${enc(f.name)}`, text: f.name })),
      h('td', {}, stateBadge(f.state)),
      h('td', { class: 'num', text: `${f.availableReplicas}/${f.replicas}` }),
      h('td', { class: 'num', text: f.invocations }),
      h('td', { class: 'num', text: fmtMs(f.p50Ms) }),
      h('td', { class: 'num', text: fmtBytes(f.memoryBytes) }),
      h('td', { class: 'num', text: fmtCpu(f.cpuMillicores) }),
      h('td', { class: 'image', title: f.image, text: f.image }))));
    if (!shown.length) tbody.append(h('tr', {}, h('td', { colspan: 8, class: 'muted', text: rows.length ? 'No function matches.' : 'No functions in this namespace yet.' })));
    count.textContent = `${shown.length} of ${rows.length}`;
  }

  async function refresh() {
    try {
      rows = await api('GET', '/ui/api/functions?namespace=' + enc(state.ns), undefined, true);
      rows.sort((a, b) => b.invocations - a.invocations || a.name.localeCompare(b.name));
      renderRows();
      if (first) {
        first = false;
        performance.mark('functions-rendered');
        document.body.dataset.rendered = String(performance.now());
      }
    } catch (e) {
      toast('Could not list functions: ' + e.message, true);
    }
  }

  function schedule() {
    clearInterval(state.timer);
    if (live.checked) state.timer = setInterval(refresh, REFRESH_MS);
  }

  refresh();
  schedule();
}

// ---- one function --------------------------------------------------------------------------------------------

function functionView(ns, name) {
  const facts = h('dl', { class: 'facts', id: 'facts' });
  const callsChart = h('div', { id: 'calls-chart' });
  const latencyChart = h('div', { id: 'latency-chart' });
  const url = `/function/${enc(name)}.${enc(ns)}`;

  // Invoke
  const method = h('select', { id: 'invoke-method' }, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => h('option', { text: m })));
  const path = h('input', { type: 'text', id: 'invoke-path', value: '/' });
  const contentType = h('input', { type: 'text', id: 'invoke-type', value: 'text/plain' });
  const body = h('textarea', { id: 'invoke-body' });
  const result = h('div', { id: 'invoke-result', 'aria-live': 'polite' });
  const invokeForm = h('form', { id: 'invoke', onsubmit: (e) => { e.preventDefault(); invoke(); } },
    h('div', { class: 'row' }, h('label', { for: 'invoke-method', class: 'inline', text: 'Method' }), method,
      h('label', { for: 'invoke-type', class: 'inline', text: 'Content type' }), contentType),
    h('label', { for: 'invoke-path', text: 'Path (after the function name)' }), path,
    h('label', { for: 'invoke-body', text: 'Body' }), body,
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'invoke-button', text: 'Invoke' })),
    result);

  async function invoke() {
    const button = $('#invoke-button');
    button.disabled = true;
    let p = path.value.trim();
    if (p && !p.startsWith('/')) p = '/' + p;
    // Never hand the portal's basic-auth credentials to a function.
    const init = { method: method.value, headers: {}, credentials: 'omit' };
    if (!['GET', 'DELETE'].includes(method.value) || body.value) {
      init.body = body.value;
      init.headers['Content-Type'] = contentType.value || 'text/plain';
    }
    const started = performance.now();
    try {
      const res = await fetch(url + (p === '/' ? '' : p), init);
      const bytes = await res.arrayBuffer();
      const ms = performance.now() - started;
      const type = res.headers.get('Content-Type') || 'application/octet-stream';
      const blob = new Blob([bytes], { type });
      const textual = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded))/.test(type);
      let text = '';
      if (textual) text = new TextDecoder().decode(bytes);
      else text = `(${bytes.byteLength} bytes of ${type}: use Download)`;
      if (result.dataset.url) URL.revokeObjectURL(result.dataset.url);
      const href = URL.createObjectURL(blob);
      result.dataset.url = href;
      result.replaceChildren(
        h('div', { class: 'row' },
          h('span', { id: 'invoke-status', class: res.ok ? '' : 'error', text: `Status ${res.status}` }),
          h('span', { id: 'invoke-time', text: `${ms.toFixed(1)} ms` }),
          h('span', { class: 'muted', text: `${bytes.byteLength} bytes, ${type}` }),
          h('a', { id: 'invoke-download', href, download: `${name}-response${textual ? '.txt' : '.bin'}`, text: 'Download' })),
        h('pre', { id: 'invoke-output', text }));
    } catch (e) {
      result.replaceChildren(h('p', { class: 'error', id: 'invoke-status', text: 'Request failed: ' + e.message }));
    } finally {
      button.disabled = false;
    }
  }

  // Logs
  const logs = h('pre', { id: 'logs', role: 'log', 'aria-live': 'polite', tabindex: '0' });
  const tailButton = h('button', { type: 'button', id: 'logs-toggle', text: 'Start tail', onclick: () => (state.logAbort ? stopTail() : startTail()) });

  async function startTail() {
    const abort = new AbortController();
    state.logAbort = abort;
    tailButton.textContent = 'Stop tail';
    logs.textContent = '';
    try {
      const res = await fetch(`/system/logs?name=${enc(name)}&namespace=${enc(ns)}&follow=true&tail=100`, { signal: abort.signal });
      if (!res.ok) throw new Error(`${res.status} ${(await res.text()).trim()}`);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          if (!line.trim()) continue;
          try {
            const m = JSON.parse(line);
            logs.append(`${m.timestamp} ${m.instance ? m.instance + ' ' : ''}${m.text}\n`);
          } catch { logs.append(line + '\n'); }
        }
        logs.scrollTop = logs.scrollHeight;
      }
    } catch (e) {
      if (e.name !== 'AbortError') logs.append(`[tail stopped: ${e.message}]\n`);
    }
    if (state.logAbort === abort) stopTail();
  }

  function stopTail() {
    if (state.logAbort) state.logAbort.abort();
    state.logAbort = null;
    tailButton.textContent = 'Start tail';
  }

  async function remove() {
    if (!(await confirmDialog(`Delete function ${name} in ${ns}? Its container and logs are removed.`))) return;
    try {
      await api('DELETE', '/system/functions', { functionName: name, namespace: ns });
      toast(`Deleted ${name}`);
      location.hash = '#/';
    } catch (e) {
      toast('Delete failed: ' + e.message, true);
    }
  }

  setView(name,
    h('div', { class: 'row' },
      h('a', { href: `#/deploy?name=${enc(name)}&ns=${enc(ns)}`, id: 'edit-link', text: 'Update' }),
      h('button', { type: 'button', class: 'danger', id: 'delete', text: 'Delete…', onclick: remove })),
    h('div', { class: 'grid' },
      h('section', { 'aria-labelledby': 'h-status' }, h('h2', { id: 'h-status', text: 'Status' }), facts),
      h('section', { 'aria-labelledby': 'h-activity' }, h('h2', { id: 'h-activity', text: 'Last 10 minutes' }), callsChart, latencyChart)),
    h('section', { 'aria-labelledby': 'h-invoke' }, h('h2', { id: 'h-invoke', text: 'Invoke' }), invokeForm),
    h('section', { 'aria-labelledby': 'h-logs' }, h('h2', { id: 'h-logs', text: 'Logs' }), h('div', { class: 'row' }, tailButton), logs));

  async function refresh() {
    try {
      const [list, activity] = await Promise.all([
        api('GET', '/ui/api/functions?namespace=' + enc(ns), undefined, true),
        api('GET', `/ui/api/functions/${enc(name)}/activity?namespace=${enc(ns)}`, undefined, true)]);
      const f = list.find((x) => x.name === name);
      if (!f) { facts.replaceChildren(h('p', { class: 'error', text: 'This function does not exist (any more).' })); return; }
      const rows = [['Status', stateBadge(f.state)], ['Replicas', `${f.availableReplicas} available of ${f.replicas}`],
        ['Invocations', String(f.invocations)], ['In flight', String(f.inflight)], ['p50 latency', fmtMs(f.p50Ms)],
        ['Memory', fmtBytes(f.memoryBytes)], ['CPU', fmtCpu(f.cpuMillicores)], ['Image', f.image],
        ['URL', h('code', { text: location.origin + url })], ['Created', new Date(f.createdAt).toLocaleString()]];
      facts.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
      callsChart.replaceChildren(barChart(activity, 'Invocations per 10 s (errors in red)'));
      latencyChart.replaceChildren(latencyLine(activity, 'Mean latency per 10 s'));
    } catch (e) {
      toast('Could not refresh: ' + e.message, true);
    }
  }

  refresh();
  state.timer = setInterval(refresh, REFRESH_MS);
}

function barChart(activity, title) {
  const slots = activity.slots.length ? activity.slots : [];
  const max = Math.max(1, ...slots.map((s) => s.calls));
  const w = 600, hgt = 110, bw = w / Math.max(1, slots.length);
  const total = slots.reduce((a, s) => a + s.calls, 0);
  const bars = slots.flatMap((s, i) => {
    const bh = (s.calls / max) * (hgt - 14);
    const eh = (s.errors / max) * (hgt - 14);
    return [svg('rect', { class: 'bar', x: i * bw + 1, y: hgt - bh, width: Math.max(1, bw - 2), height: bh }),
      eh ? svg('rect', { class: 'err', x: i * bw + 1, y: hgt - eh, width: Math.max(1, bw - 2), height: eh }) : null];
  });
  const label = `${title}: ${total} calls in the last ${slots.length * activity.slotSeconds / 60} minutes, at most ${max} per interval`;
  const t = svg('title');
  t.textContent = label;
  return svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${hgt + 12}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'none', id: 'chart-calls' },
    t, svg('line', { class: 'axis', x1: 0, y1: hgt, x2: w, y2: hgt }), ...bars, text(`max ${max}`, 2, 10));
}

function latencyLine(activity, title) {
  const slots = activity.slots;
  const values = slots.map((s) => s.meanMs);
  const max = Math.max(1, ...values.filter((v) => v != null));
  const w = 600, hgt = 110, step = w / Math.max(1, slots.length - 1);
  let d = '';
  const dots = [];
  values.forEach((v, i) => {
    if (v == null) return;
    const y = hgt - (v / max) * (hgt - 14);
    d += (d && values[i - 1] != null ? 'L' : 'M') + (i * step).toFixed(1) + ' ' + y.toFixed(1);
    dots.push(svg('circle', { class: 'dot', cx: (i * step).toFixed(1), cy: y.toFixed(1), r: 3 }));
  });
  const label = `${title}: p50 ${fmtMs(activity.p50Ms)}, highest mean ${fmtMs(max)}`;
  const t = svg('title');
  t.textContent = label;
  return svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${hgt + 12}`, role: 'img', 'aria-label': label, preserveAspectRatio: 'none', id: 'chart-latency' },
    t, svg('line', { class: 'axis', x1: 0, y1: hgt, x2: w, y2: hgt }), d ? svg('path', { class: 'lat', d }) : null, ...dots, text(`max ${fmtMs(max)}`, 2, 10));
}

function text(s, x, y) {
  const t = svg('text', { x, y });
  t.textContent = s;
  return t;
}

// ---- deploy / update -----------------------------------------------------------------------------------------

async function deployView(editName, editNs) {
  const editing = Boolean(editName);
  const field = (id, label, input) => [h('label', { for: id, text: label }), input];
  const name = h('input', { type: 'text', id: 'deploy-name', required: true, readonly: editing, autocomplete: 'off', pattern: '[a-z0-9]([-a-z0-9]*[a-z0-9])?' });
  const image = h('input', { type: 'text', id: 'deploy-image', required: true, autocomplete: 'off' });
  const nsSelect = h('select', { id: 'deploy-namespace', disabled: editing }, state.namespaces.map((n) => h('option', { value: n, text: n, selected: n === (editNs || state.ns) })));
  const fprocess = h('input', { type: 'text', id: 'deploy-fprocess', autocomplete: 'off' });
  const env = h('textarea', { id: 'deploy-env', placeholder: 'KEY=value, one per line' });
  const labels = h('textarea', { id: 'deploy-labels', placeholder: 'key=value, one per line' });
  const annotations = h('textarea', { id: 'deploy-annotations', placeholder: 'key=value, one per line' });
  const zero = h('input', { type: 'checkbox', id: 'deploy-scale-zero' });
  const idle = h('input', { type: 'text', id: 'deploy-idle', placeholder: 'e.g. 5m (daemon default when empty)', autocomplete: 'off' });
  const secrets = h('fieldset', { id: 'deploy-secrets' }, h('legend', { text: 'Secrets' }));
  const result = h('p', { id: 'deploy-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'deploy-submit', text: editing ? 'Update' : 'Deploy' });

  async function loadSecrets(ns, chosen) {
    let names = [];
    try { names = (await api('GET', '/system/secrets?namespace=' + enc(ns), undefined, true)).map((s) => s.name); } catch { /* none */ }
    secrets.replaceChildren(h('legend', { text: 'Secrets' }),
      ...(names.length ? names.map((s) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'secret', value: s, checked: chosen.includes(s) }), ' ' + s + ' '))
        : [h('span', { class: 'muted', text: 'No secrets in this namespace.' })]));
  }

  const form = h('form', { id: 'deploy', onsubmit: async (e) => {
    e.preventDefault();
    result.textContent = '';
    result.className = '';
    let body;
    try {
      const lbls = parsePairs(labels.value, 'Labels');
      delete lbls['com.openfaas.scale.zero'];
      delete lbls['com.openfaas.scale.zero-duration'];
      if (zero.checked) {
        lbls['com.openfaas.scale.zero'] = 'true';
        if (idle.value.trim()) lbls['com.openfaas.scale.zero-duration'] = idle.value.trim();
      }
      body = {
        service: name.value.trim(), image: image.value.trim(), namespace: nsSelect.value,
        envProcess: fprocess.value.trim() || undefined, envVars: parsePairs(env.value, 'Environment'), labels: lbls,
        annotations: parsePairs(annotations.value, 'Annotations'),
        secrets: [...secrets.querySelectorAll('input[name=secret]:checked')].map((c) => c.value),
      };
    } catch (err) {
      result.textContent = err.message;
      result.className = 'error';
      return;
    }
    submit.disabled = true;
    result.textContent = editing ? 'Updating…' : 'Deploying (pulling the image and waiting for the function to listen)…';
    try {
      await api(editing ? 'PUT' : 'POST', '/system/functions', body);
      toast(`${editing ? 'Updated' : 'Deployed'} ${body.service}`);
      location.hash = `#/fn/${enc(body.namespace)}/${enc(body.service)}`;
    } catch (err) {
      result.textContent = err.message;
      result.className = 'error';
    } finally {
      submit.disabled = false;
    }
  } },
  h('div', { class: 'grid' },
    h('div', {}, field('deploy-name', 'Name', name), field('deploy-image', 'Image', image), field('deploy-namespace', 'Namespace', nsSelect),
      field('deploy-fprocess', 'Function process (fprocess, optional)', fprocess),
      h('label', { class: 'inline' }, zero, ' Scale to zero when idle'), field('deploy-idle', 'Idle time before freezing', idle)),
    h('div', {}, field('deploy-env', 'Environment', env), field('deploy-labels', 'Labels', labels), field('deploy-annotations', 'Annotations', annotations))),
  secrets, h('div', { class: 'row' }, submit), result);

  setView(editing ? `Update ${editName}` : 'Deploy a function', h('section', {}, form));
  nsSelect.addEventListener('change', () => loadSecrets(nsSelect.value, []));
  if (!editing) return loadSecrets(nsSelect.value, []);
  try {
    const f = await api('GET', `/system/function/${enc(editName)}?namespace=${enc(editNs)}`, undefined, true);
    name.value = f.name;
    image.value = f.image;
    fprocess.value = f.envProcess || '';
    env.value = pairsText(f.envVars);
    const lbls = { ...(f.labels || {}) };
    zero.checked = lbls['com.openfaas.scale.zero'] === 'true';
    idle.value = lbls['com.openfaas.scale.zero-duration'] || '';
    delete lbls['com.openfaas.scale.zero'];
    delete lbls['com.openfaas.scale.zero-duration'];
    labels.value = pairsText(lbls);
    annotations.value = pairsText(f.annotations);
    await loadSecrets(editNs, f.secrets || []);
  } catch (e) {
    result.textContent = 'Could not load the function: ' + e.message;
    result.className = 'error';
  }
}

// ---- secrets -------------------------------------------------------------------------------------------------

function secretsView() {
  const tbody = h('tbody');
  const name = h('input', { type: 'text', id: 'secret-name', required: true, autocomplete: 'off' });
  const value = h('input', { type: 'password', id: 'secret-value', required: true, autocomplete: 'new-password' });
  const form = h('form', { id: 'secret-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/system/secrets', { name: name.value.trim(), value: value.value, namespace: state.ns });
      toast(`Created secret ${name.value.trim()}`);
      name.value = value.value = '';
      load();
    } catch (err) { toast('Could not create the secret: ' + err.message, true); }
  } },
  h('label', { for: 'secret-name', text: 'Name' }), name, h('label', { for: 'secret-value', text: 'Value' }), value,
  h('div', { class: 'row' }, h('button', { type: 'submit', text: 'Create secret' })));

  async function load() {
    try {
      const list = await api('GET', '/system/secrets?namespace=' + enc(state.ns), undefined, true);
      tbody.replaceChildren(...list.map((s) => h('tr', {}, h('td', { text: s.name }), h('td', {},
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete secret ${s.name}`, text: 'Delete…', onclick: async () => {
          if (!(await confirmDialog(`Delete secret ${s.name}? Functions using it keep their copy until redeployed.`))) return;
          try { await api('DELETE', '/system/secrets', { name: s.name, namespace: state.ns }); load(); } catch (err) { toast('Delete failed: ' + err.message, true); }
        } })))));
      if (!list.length) tbody.append(h('tr', {}, h('td', { colspan: 2, class: 'muted', text: 'No secrets in this namespace.' })));
    } catch (e) { toast('Could not list secrets: ' + e.message, true); }
  }

  setView('Secrets', h('div', { class: 'grid' },
    h('section', { 'aria-labelledby': 'h-secrets' }, h('h2', { id: 'h-secrets', text: `In ${state.ns}` }),
      h('table', { id: 'secrets' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Actions' }))), tbody)),
    h('section', { 'aria-labelledby': 'h-new-secret' }, h('h2', { id: 'h-new-secret', text: 'New secret' }), form)));
  load();
}

// ---- namespaces ----------------------------------------------------------------------------------------------

function namespacesView() {
  const tbody = h('tbody');
  const name = h('input', { type: 'text', id: 'namespace-name', required: true, autocomplete: 'off', pattern: '[a-z0-9]([-a-z0-9]*[a-z0-9])?' });
  const form = h('form', { id: 'namespace-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/system/namespace/', { name: name.value.trim(), labels: { openfaas: '1' } });
      toast(`Created namespace ${name.value.trim()}`);
      name.value = '';
      await loadNamespaces();
      load();
    } catch (err) { toast('Could not create the namespace: ' + err.message, true); }
  } }, h('label', { for: 'namespace-name', text: 'Name' }), name, h('div', { class: 'row' }, h('button', { type: 'submit', text: 'Create namespace' })));

  function load() {
    tbody.replaceChildren(...state.namespaces.map((n) => h('tr', {}, h('td', { text: n }), h('td', {},
      h('button', { type: 'button', class: 'secondary', text: 'Open', onclick: () => { state.ns = n; $('#namespace').value = n; location.hash = '#/'; } }), ' ',
      n === 'openfaas-fn' ? null : h('button', { type: 'button', class: 'danger', 'aria-label': `Delete namespace ${n}`, text: 'Delete…', onclick: async () => {
        if (!(await confirmDialog(`Delete namespace ${n}? It must hold no functions.`))) return;
        try {
          await api('DELETE', '/system/namespace/' + enc(n), { name: n, labels: { openfaas: '1' } });
          if (state.ns === n) state.ns = 'openfaas-fn';
          await loadNamespaces();
          load();
        } catch (err) { toast('Delete failed: ' + err.message, true); }
      } })))));
  }

  setView('Namespaces', h('div', { class: 'grid' },
    h('section', { 'aria-labelledby': 'h-namespaces' }, h('h2', { id: 'h-namespaces', text: 'OpenFaaS namespaces' }),
      h('table', { id: 'namespaces' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Actions' }))), tbody)),
    h('section', { 'aria-labelledby': 'h-new-namespace' }, h('h2', { id: 'h-new-namespace', text: 'New namespace' }), form)));
  load();
}

// ---- start ---------------------------------------------------------------------------------------------------

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', async () => {
  state.ns = sessionStorage.getItem('faasd.ns') || 'openfaas-fn';
  $('#namespace').addEventListener('change', (e) => {
    state.ns = e.target.value;
    sessionStorage.setItem('faasd.ns', state.ns);
    route();
  });
  await loadNamespaces();
  if (!state.namespaces.includes(state.ns)) state.ns = state.namespaces[0] || 'openfaas-fn';
  $('#namespace').value = state.ns;
  route();
});
