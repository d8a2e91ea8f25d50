// This session's results: newest first, each with its parameters; choosing one puts them back into the form.
// Kept in sessionStorage (best effort) so that a reload does not lose them; closing the tab does.

const KEY = 'diffusion4j.studio.gallery';
const MAX_ITEMS = 48;

const list = document.getElementById('gallery');
const count = document.getElementById('gallery-count');
let entries = [];
let onChoose = () => {};
let onUseAsInit = () => {};

function save() {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(entries));
  } catch {
    // storage full or disabled: the gallery still works for this page
  }
}

function render() {
  list.replaceChildren(...entries.map((entry, index) => {
    const { meta } = entry;
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'gallery-item';
    button.setAttribute('aria-label', `Reuse the settings of "${meta.prompt || 'empty prompt'}", seed ${meta.seed}`);
    const img = document.createElement('img');
    img.src = entry.image;
    img.alt = '';
    img.loading = 'lazy';
    const caption = document.createElement('span');
    caption.className = 'caption';
    const title = document.createElement('strong');
    title.textContent = meta.prompt || '(empty prompt)';
    const params = document.createElement('span');
    params.textContent = `${meta.width}×${meta.height} · ${meta.steps} ${meta.scheduler} · CFG ${meta.guidanceScale} · seed ${meta.seed}`;
    caption.append(title, params);
    button.append(img, caption);
    button.addEventListener('click', () => onChoose(entries[index]));
    const init = document.createElement('button');
    init.type = 'button';
    init.className = 'button ghost use-init';
    init.textContent = 'Use as init image';
    init.setAttribute('aria-label', `Use "${meta.prompt || 'empty prompt'}", seed ${meta.seed}, as the init image`);
    init.addEventListener('click', () => onUseAsInit(entries[index]));
    item.append(button, init);
    return item;
  }));
  count.textContent = entries.length === 0 ? 'No images yet'
    : `${entries.length} image${entries.length === 1 ? '' : 's'} · choose one to reuse its settings`;
}

export function init(choose, useAsInit) {
  onChoose = choose;
  onUseAsInit = useAsInit;
  try {
    entries = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
  } catch {
    entries = [];
  }
  render();
}

export function add(entry) {
  entries.unshift(entry);
  entries.length = Math.min(entries.length, MAX_ITEMS);
  save();
  render();
}
