// The history: every finished image, newest first, kept across reloads (history.js, IndexedDB). Choosing one puts its
// settings back into the form; each has Download, Copy parameters and Use as init image.

import * as history from './history.js';
import { dataUriBytes, readText } from './png.js';

const list = document.getElementById('gallery');
const count = document.getElementById('gallery-count');
const clearButton = document.getElementById('history-clear');
let entries = [];
let onChoose = () => {};
let onUseAsInit = () => {};

function describe(meta) {
  return `"${meta.prompt || 'empty prompt'}", seed ${meta.seed}`;
}

function button(text, className, label, action) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `button ghost ${className}`;
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', action);
  return b;
}

/** The file name of a download: what it shows and the seed that reproduces it. */
export function fileName(meta) {
  const words = (meta.prompt || 'image').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return `${words || 'image'}-${meta.seed}.png`;
}

/** The PNG's own `parameters` text: exactly what A1111 and the image's other readers see. */
async function copyParameters(entry, b) {
  const text = (await readText(dataUriBytes(entry.image))).parameters ?? '';
  try {
    await navigator.clipboard.writeText(text);
    b.textContent = 'Copied';
  } catch {
    b.textContent = 'Copy failed'; // no clipboard permission (an insecure origin): the PNG keeps the text
  }
  setTimeout(() => {
    b.textContent = 'Copy parameters';
  }, 1500);
}

function item(entry) {
  const { meta } = entry;
  const li = document.createElement('li');
  li.dataset.jobId = entry.jobId;
  const choose = document.createElement('button');
  choose.type = 'button';
  choose.className = 'gallery-item';
  choose.setAttribute('aria-label', `Reuse the settings of ${describe(meta)}`);
  const img = document.createElement('img');
  img.src = entry.image;
  img.alt = '';
  img.loading = 'lazy';
  const caption = document.createElement('span');
  caption.className = 'caption';
  const title = document.createElement('strong');
  title.textContent = meta.prompt || '(empty prompt)';
  const params = document.createElement('span');
  const batch = entry.batch?.count > 1 ? ` · ${entry.batch.index + 1} of ${entry.batch.count}` : '';
  params.textContent = `${meta.width}×${meta.height} · ${meta.steps} ${meta.scheduler} · CFG ${meta.guidanceScale}`
      + ` · seed ${meta.seed}${batch}`;
  caption.append(title, params);
  choose.append(img, caption);
  choose.addEventListener('click', () => onChoose(entry));

  const tools = document.createElement('div');
  tools.className = 'item-tools';
  const download = document.createElement('a');
  download.className = 'button ghost download';
  download.href = entry.image;
  download.download = fileName(meta);
  download.textContent = 'Download';
  download.setAttribute('aria-label', `Download ${describe(meta)} as PNG`);
  const copy = button('Copy parameters', 'copy-parameters', `Copy the parameters of ${describe(meta)}`,
      () => copyParameters(entry, copy));
  const init = button('Use as init image', 'use-init', `Use ${describe(meta)} as the init image`,
      () => onUseAsInit(entry));
  tools.append(download, copy, init);
  li.append(choose, tools);
  return li;
}

function render() {
  list.replaceChildren(...entries.map(item));
  count.textContent = entries.length === 0 ? 'No images yet'
    : `${entries.length} image${entries.length === 1 ? '' : 's'} · choose one to reuse its settings`;
  clearButton.disabled = entries.length === 0;
  list.dataset.loaded = 'true';
}

export async function init(choose, useAsInit) {
  onChoose = choose;
  onUseAsInit = useAsInit;
  clearButton.addEventListener('click', async () => {
    entries = [];
    render();
    await history.clear();
  });
  try {
    entries = await history.load();
  } catch {
    entries = []; // IndexedDB disabled (a private window of some browsers): the gallery lives with the page
  }
  render();
}

/** Shows `entry` at once, then keeps it in IndexedDB (storage full or disabled: it lives with the page). */
export function add(entry) {
  entries.unshift(entry);
  entries.length = Math.min(entries.length, history.MAX_ITEMS);
  render();
  // how many are still being written: a reload before they are would lose them (the tests wait for 0)
  list.dataset.saving = String(Number(list.dataset.saving ?? 0) + 1);
  history.add(entry).catch(() => {}).finally(() => {
    list.dataset.saving = String(Number(list.dataset.saving) - 1);
  });
}
