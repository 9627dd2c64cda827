import { createHash } from 'node:crypto';
import type { ColumnSchema } from '../data/schema.js';
import type { RecommenderMetadata } from '../pipeline/recommendation/metadata.js';
import { MAX_K } from './recommend.js';
import type { LoadedVersion } from './types.js';

/**
 * A page per served model for trying it by hand: a form of its columns (table models), an image
 * drop (image models) or a customer or basket (recommenders) that posts to the model's own
 * :classify, :regress or :recommend endpoint and shows the answer. Self-contained: no external assets, and a Content-Security-Policy that allows only the
 * page's own script and style and requests back to this server.
 */

const style = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
main { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; }
h1 small { font-weight: normal; color: #667; font-size: 0.6em; }
form, section { background: #fff; border: 1px solid #dde; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
label { display: block; margin: 0.6rem 0; }
label span { display: block; font-weight: 600; }
label small { color: #667; font-weight: normal; }
input, select, textarea { font: inherit; width: 100%; box-sizing: border-box; padding: 0.3rem; }
#drop { border: 2px dashed #99a; border-radius: 8px; padding: 2rem; text-align: center; cursor: pointer; }
#drop.over { background: #eef; }
#preview { max-width: 8rem; image-rendering: pixelated; display: block; margin: 0.5rem auto; }
button { font: inherit; padding: 0.4rem 1.2rem; margin-top: 0.5rem; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 0.2rem 0.5rem; border-bottom: 1px solid #eee; }
td.bar { width: 50%; } td.bar div { background: #4a6fd8; height: 0.8rem; }
tr.top { font-weight: 600; }
#error { color: #b00020; }
`;

// Reads the model from the JSON island and posts each submission to the model's REST endpoint.
const script = `
const model = JSON.parse(document.getElementById('model').textContent);
const $ = (id) => document.getElementById(id);
const show = (id, on) => { $(id).hidden = !on; };

// The answer, or undefined once the server's error is shown.
async function post(request) {
  show('error', false);
  const url = '/v1/models/' + encodeURIComponent(model.name) + ':' + model.verb;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request) });
  const answer = await response.json();
  if (!response.ok) { $('error').textContent = answer.error; show('error', true); show('result', false); return undefined; }
  $('version').textContent = answer.model_version;
  return answer;
}

async function ask(example) {
  const answer = await post({ examples: [example] });
  if (!answer) return;
  const rows = $('scores').tBodies[0];
  rows.replaceChildren();
  if (model.verb === 'regress') {
    $('answer').textContent = String(answer.result[0]);
    show('scores', false);
  } else {
    const scores = answer.result[0];
    const top = scores.reduce((best, s) => (s[1] > best[1] ? s : best));
    $('answer').textContent = top[0];
    for (const [label, score] of scores) {
      const row = rows.insertRow();
      if (label === top[0]) row.className = 'top';
      row.insertCell().textContent = label;
      row.insertCell().textContent = score === null ? '–' : score.toFixed(4);
      const bar = document.createElement('div');
      bar.style.width = (100 * Math.max(0, Math.min(1, score ?? 0))).toFixed(1) + '%';
      row.insertCell().append(bar);
      row.cells[2].className = 'bar';
    }
    show('scores', true);
  }
  show('result', true);
}

// Sends what is filled in; both fields, or neither, get the server's own message.
async function recommend() {
  const request = {};
  const customer = $('customer').value.trim();
  const items = $('items').value.split(/[\\s,]+/).filter((code) => code !== '');
  if (customer !== '') request.customer = customer;
  if (items.length > 0) request.items = items;
  if ($('k').value !== '') request.k = Number($('k').value);
  const answer = await post(request);
  if (!answer) return;
  $('answer').textContent =
    answer.customer !== undefined ? 'customer ' + answer.customer : 'a customer who bought ' + answer.items.join(', ');
  const rows = $('recommendations').tBodies[0];
  rows.replaceChildren();
  answer.recommendations.forEach((r, i) => {
    const row = rows.insertRow();
    const price = r.price.toFixed(2) + ' ' + answer.currency;
    for (const text of [String(i + 1), r.item, r.description, price, r.score.toFixed(4)]) row.insertCell().textContent = text;
  });
  show('result', true);
}

function record() {
  const example = {};
  for (const column of model.columns) {
    const raw = $('col-' + column.index).value.trim();
    if (raw === '') continue;
    if (column.type === 'number' || column.type === 'integer') example[column.name] = Number.isNaN(Number(raw)) ? raw : Number(raw);
    else if (column.type === 'boolean') example[column.name] = raw === 'true';
    else example[column.name] = raw;
  }
  return example;
}

function readImage(file) {
  const reader = new FileReader();
  reader.onload = () => {
    $('preview').src = reader.result;
    show('preview', true);
    ask({ [model.inputName]: { b64: String(reader.result).split(',')[1] } });
  };
  reader.readAsDataURL(file);
}

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (model.kind === 'recommend') recommend();
  else if (model.kind === 'table') ask(record());
  else if ($('file').files[0]) readImage($('file').files[0]);
});
if (model.kind === 'image') {
  const drop = $('drop');
  $('file').addEventListener('change', () => { if ($('file').files[0]) readImage($('file').files[0]); });
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    if (event.dataTransfer.files[0]) readImage(event.dataTransfer.files[0]);
  });
}
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Sent with every page: only this page's own script and style run, and they talk only to this server. */
export const pageSecurityPolicy = [
  "default-src 'none'",
  `script-src ${hash(script)}`,
  `style-src ${hash(style)}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside a script element: no `<` can close the element early. */
const jsonIsland = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

export function renderIndexPage(names: readonly string[]): string {
  const items = names.map(
    (name) => `<li><a href="/models/${encodeURIComponent(name)}">${escapeHtml(name)}</a></li>`,
  );
  const list = items.length > 0 ? `<ul>${items.join('')}</ul>` : '<p>No model is served yet.</p>';
  return layout('Deepline models', `<h1>Models</h1>\n${list}\n<p><a href="/metrics">metrics</a></p>`);
}

/** How the form asks for one column, from the training schema's type and domain where there is one. */
function field(name: string, index: number, schema: ColumnSchema | undefined): string {
  const id = `col-${index}`;
  const domain = schema?.domain;
  let hint = schema?.type ?? '';
  let control = `<input id="${id}" name="${escapeHtml(name)}">`;
  if (schema?.type === 'number' || schema?.type === 'integer') {
    const step = schema.type === 'integer' ? '1' : 'any';
    control = `<input id="${id}" type="number" step="${step}">`;
    if (domain?.kind === 'numeric') hint += `, ${domain.min} to ${domain.max} in training`;
  } else if (schema?.type === 'boolean') {
    control = `<select id="${id}"><option value=""></option><option>true</option><option>false</option></select>`;
  } else if (schema?.type === 'text') {
    control = `<textarea id="${id}" rows="3"></textarea>`;
  } else if (domain?.kind === 'category') {
    const options = domain.values.map((value) => `<option value="${escapeHtml(value)}">`).join('');
    control = `<input id="${id}" list="${id}-values"><datalist id="${id}-values">${options}</datalist>`;
  } else if (domain?.kind === 'datetime') {
    hint += `, ${domain.min} to ${domain.max} in training`;
  }
  if (schema?.required) hint += ', required';
  const small = hint ? ` <small>${escapeHtml(hint)}</small>` : '';
  return `<label for="${id}"><span>${escapeHtml(name)}${small}</span>${control}</label>`;
}

export function renderModelPage(version: LoadedVersion): string {
  const { meta, signature } = version;
  const task = meta.recommender ? 'recommender' : meta.task;
  const heading = `<h1>${escapeHtml(version.name)} <small>version ${version.version} · ${escapeHtml(version.stage)} · ${escapeHtml(task)}</small></h1>`;
  const title = `${version.name} · Deepline`;
  // What the loaded version holds picks the page. A recommender's network also classifies a
  // (customer, product) pair, which means nothing to a shop: it gets :recommend instead.
  if (meta.recommender)
    return layout(title, `${heading}\n${recommenderPage(version.name, meta.recommender)}`);
  const verb = signature.methods.includes('classify')
    ? 'classify'
    : signature.methods.includes('regress')
      ? 'regress'
      : null;
  if (verb === null)
    return layout(version.name, `${heading}\n<p>This model answers only <code>:predict</code>.</p>`);
  const input = meta.input;
  const columns =
    input.kind === 'table'
      ? input.columns.map((name, index) => ({
          name,
          index,
          type: meta.schema?.columns.find((c) => c.name === name)?.type ?? 'text',
        }))
      : [];
  const controls =
    input.kind === 'table'
      ? columns
          .map((c) =>
            field(
              c.name,
              c.index,
              meta.schema?.columns.find((s) => s.name === c.name),
            ),
          )
          .join('\n')
      : `<label id="drop" for="file">Drop a PNG or JPEG image here, or click to choose one
<input id="file" type="file" accept="image/png,image/jpeg" hidden></label>
<img id="preview" alt="the image sent" hidden>`;
  const config = {
    name: version.name,
    verb,
    kind: input.kind,
    inputName: input.kind === 'image' ? input.inputName : '',
    columns,
  };
  const result = `<h2>Prediction: <output id="answer"></output></h2>
<p><small>answered by version <span id="version"></span></small></p>
<table id="scores"><thead><tr><th>class</th><th>score</th><th></th></tr></thead><tbody></tbody></table>`;
  return layout(
    title,
    `${heading}\n${tryOut(config, `${controls}\n<button type="submit">Predict</button>`, result)}`,
  );
}

/** A customer id or a new customer's basket, and how many products to recommend, for :recommend. */
function recommenderPage(name: string, recommender: RecommenderMetadata): string {
  const most = Math.min(MAX_K, recommender.catalogue.length);
  const customers = recommender.users.slice(0, 2).join(', ');
  const products = recommender.catalogue
    .slice(0, 2)
    .map((p) => `${p.id} (${p.description})`)
    .join(', ');
  const label = (id: string, title: string, hint: string, control: string) =>
    `<label for="${id}"><span>${title}${hint && ` <small>${escapeHtml(hint)}</small>`}</span>${control}</label>`;
  const controls = [
    label(
      'customer',
      'Customer',
      customers && `a known customer's id, e.g. ${customers}`,
      '<input id="customer" autocomplete="off">',
    ),
    label(
      'items',
      'or the products a new customer bought',
      `codes separated by commas or spaces${products && `, e.g. ${products}`}`,
      '<input id="items" autocomplete="off">',
    ),
    label(
      'k',
      'How many',
      `1 to ${most}`,
      `<input id="k" type="number" min="1" max="${most}" step="1" value="${Math.min(10, most)}">`,
    ),
    '<button type="submit">Recommend</button>',
  ].join('\n');
  const result = `<h2>Recommended for <output id="answer"></output></h2>
<p><small>answered by version <span id="version"></span></small></p>
<table id="recommendations"><thead><tr><th>#</th><th>product</th><th>description</th><th>price</th><th>score</th></tr></thead>
<tbody></tbody></table>`;
  return tryOut({ name, verb: 'recommend', kind: 'recommend' }, controls, result);
}

/** The form, the error and the answer of a model page, and the script that links them. */
function tryOut(config: Record<string, unknown>, controls: string, result: string): string {
  return `<form id="form">
${controls}
</form>
<p id="error" role="alert" hidden></p>
<section id="result" aria-live="polite" hidden>
${result}
</section>
<script type="application/json" id="model">${jsonIsland(config)}</script>
<script>${script}</script>`;
}
