// The settings form: reading it into a request, filling it from a past image, and the API's field errors.

const form = document.getElementById('generate-form');
const fields = {
  model: document.getElementById('model'),
  image: document.getElementById('init-file'),
  mask: document.getElementById('mask-canvas'),
  strength: document.getElementById('strength'),
  prompt: document.getElementById('prompt'),
  negativePrompt: document.getElementById('negativePrompt'),
  steps: document.getElementById('steps'),
  guidanceScale: document.getElementById('guidanceScale'),
  scheduler: document.getElementById('scheduler'),
  size: document.getElementById('size'),
  seed: document.getElementById('seed'),
  batchCount: document.getElementById('batchCount'),
};

/** API field → the input that shows its error; width and height share the size select. */
const FIELD_OF = { width: 'size', height: 'size' };

const MAX_SEED = 0xffffffff; // what every noise source accepts (numpy's is 32-bit)

/**
 * Fills the model picker: each model with its family, its size multiple and how many schedulers it takes, the
 * default first and selected.
 */
export function setModels(models) {
  fields.model.replaceChildren();
  for (const m of models) {
    const kind = m.inpaintingOnly ? ' · inpainting' : m.imageInput ? '' : ' · text only';
    const label = `${m.name} · ${m.family ?? 'unknown family'}${kind} · ×${m.sizeMultiple ?? 8} px`
        + ` · ${(m.schedulers ?? []).length} schedulers`;
    fields.model.add(new Option(label, m.name, m.default, m.default));
  }
}

export function selectedModel() {
  return fields.model.value;
}

export function selectModel(name) {
  fields.model.value = name;
}

export function onModelChange(handler) {
  fields.model.addEventListener('change', () => handler(fields.model.value));
}

/** Offers the init image's size as the output size when the model accepts it (a multiple of its size multiple). */
export function offerSize(width, height, model) {
  if (!model) {
    return; // the model list is not loaded yet: the size select has nothing to match against
  }
  const multiple = model.sizeMultiple ?? 8;
  if (width % multiple !== 0 || height % multiple !== 0 || width > model.limits.maxWidth
      || height > model.limits.maxHeight) {
    return; // the server resizes the image to the size selected
  }
  const key = `${width}x${height}`;
  if (![...fields.size.options].some((o) => o.value === key)) {
    fields.size.add(new Option(`${width} × ${height}`, key));
  }
  fields.size.value = key;
}

/** Fills the scheduler select (a model's own list). */
export function setSchedulers(names, defaultName) {
  fields.scheduler.replaceChildren(new Option('Model default', ''));
  for (const name of names) {
    const option = new Option(name === defaultName ? `${name} (default)` : name, name);
    fields.scheduler.add(option);
  }
}

/**
 * Fills the size select with sizes the model accepts: its native size first, then common sizes within the limits,
 * all multiples of the model's size multiple (GET /models: the VAE scale times the UNet's downsampling).
 */
export function setSizes(model) {
  const { width, height } = model.defaults;
  const { maxWidth, maxHeight } = model.limits;
  const multiple = model.sizeMultiple ?? 8;
  const fit = (v) => Math.max(multiple, Math.round(v / multiple) * multiple);
  const candidates = [
    [width, height],
    [fit(width * 1.5), height],
    [width, fit(height * 1.5)],
    [width * 2, height * 2],
    [256, 256], [384, 384], [512, 512], [640, 640], [768, 512], [512, 768], [768, 768], [1024, 1024],
  ];
  const seen = new Set();
  fields.size.replaceChildren();
  for (const [w, h] of candidates) {
    const key = `${w}x${h}`;
    if (w > maxWidth || h > maxHeight || w % multiple !== 0 || h % multiple !== 0 || seen.has(key)) {
      continue;
    }
    seen.add(key);
    // the model's native size comes first and is selected: the size it was trained for
    fields.size.add(new Option(`${w} × ${h}`, key));
  }
}

export function setDefaults(model) {
  fields.steps.value = String(model.defaults.steps);
  fields.guidanceScale.value = String(model.defaults.guidanceScale);
  fields.steps.max = String(model.limits.maxSteps);
}

export function randomSeed() {
  const buffer = new Uint32Array(1);
  crypto.getRandomValues(buffer);
  return String(buffer[0] % (MAX_SEED + 1));
}

function number(input) {
  const raw = input.value.trim();
  if (raw === '') {
    // Unparsable text reads as '' with badInput set: send it as text so that the server names the field (one
    // source of truth for validation) rather than silently using the model default.
    return input.validity.badInput ? 'not a number' : undefined;
  }
  return Number(raw);
}

/**
 * The request for the API, and the seed as a string (see api.submitJob). An empty seed field gets a fresh random
 * seed here rather than on the server, so that the gallery can always reproduce the image exactly.
 */
export function read(editing = {}) {
  const [width, height] = fields.size.value.split('x').map((v) => Number(v));
  const params = {
    prompt: fields.prompt.value,
    negativePrompt: fields.negativePrompt.value,
    steps: number(fields.steps),
    guidanceScale: number(fields.guidanceScale),
    width,
    height,
    ...editing,
  };
  if (fields.model.value) {
    params.model = fields.model.value;
  }
  if (fields.scheduler.value) {
    params.scheduler = fields.scheduler.value;
  }
  const seedText = fields.seed.value.trim();
  return { params, seed: seedText === '' ? randomSeed() : seedText, batchCount: Number(fields.batchCount.value) };
}

/**
 * A scheduler name or A1111 label as a registry name: `Euler a` → `euler_a`, `DPM++ 2M` → `dpmpp_2m`. `PLMS` is
 * A1111's name for what diffusers calls PNDM with skip_prk_steps (Stable Diffusion's configuration, see the SDK's
 * A1111Samplers).
 */
function registryName(label) {
  const name = label.trim().toLowerCase().replace(/\+\+/g, 'pp').replace(/[^a-z0-9]+/g, '_');
  return name === 'plms' ? 'pndm' : name;
}

/**
 * Selects a scheduler given by name or A1111 label; returns a note when it is not exactly the one asked for. A Karras
 * variant (`DPM++ 2M Karras`) selects its base scheduler: the API has no per-request sigma schedule.
 */
function selectScheduler(label) {
  const options = [...fields.scheduler.options].map((o) => o.value).filter((v) => v !== '');
  const exact = registryName(label);
  const base = exact.replace(/_karras$/, '');
  const found = options.find((v) => v === label || v === exact) ?? options.find((v) => v === base);
  if (!found) {
    fields.scheduler.value = '';
    return `sampler ${label} is not available here: the model's default is used`;
  }
  fields.scheduler.value = found;
  return found === base && base !== exact ? `${label} without its Karras schedule: ${found}` : null;
}

/**
 * Puts an image's parameters back into the form (gallery reuse, a dropped PNG). Undefined fields keep the form's
 * value: an A1111 PNG need not carry all of them. Returns the notes on what could not be applied exactly.
 */
export function apply(meta) {
  const notes = [];
  fields.prompt.value = meta.prompt ?? '';
  fields.negativePrompt.value = meta.negativePrompt ?? '';
  if (meta.steps !== undefined) {
    fields.steps.value = String(meta.steps);
  }
  if (meta.guidanceScale !== undefined) {
    fields.guidanceScale.value = String(meta.guidanceScale);
  }
  if (meta.seed !== undefined) {
    fields.seed.value = String(meta.seed);
  }
  const schedulerNote = meta.scheduler ? selectScheduler(meta.scheduler) : null;
  if (schedulerNote) {
    notes.push(schedulerNote);
  }
  if (meta.width !== undefined && meta.height !== undefined) {
    const size = `${meta.width}x${meta.height}`;
    if (![...fields.size.options].some((o) => o.value === size)) {
      fields.size.add(new Option(`${meta.width} × ${meta.height}`, size));
    }
    fields.size.value = size;
  }
  clearErrors();
  return notes;
}

export function clearErrors() {
  for (const name of [...Object.keys(fields), 'form']) {
    document.getElementById(`${name}-error`).textContent = '';
    fields[name]?.classList.remove('invalid');
    fields[name]?.removeAttribute('aria-invalid');
  }
}

/**
 * Shows a problem's field errors next to their inputs; errors for fields the form does not have (and problems
 * without field errors) go under the form.
 */
export function showProblem(problem, fallback) {
  clearErrors();
  const errors = problem?.errors ?? [];
  const general = [];
  let first = null;
  for (const { field, message } of errors) {
    const name = FIELD_OF[field] ?? field;
    const input = fields[name];
    if (!input) {
      general.push(`${field}: ${message}`);
      continue;
    }
    const slot = document.getElementById(`${name}-error`);
    const text = name === field ? message : `${field} ${message}`;
    slot.textContent = slot.textContent ? `${slot.textContent}; ${text}` : text;
    input.classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  if (errors.length === 0) {
    general.push(problem?.detail ?? problem?.title ?? fallback);
  }
  document.getElementById('form-error').textContent = general.join('\n');
  first?.focus();
}

/** Enter in the prompt generates (Shift+Enter is a new line); Enter in the other inputs submits natively. */
export function onSubmit(handler) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handler();
  });
  fields.prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

export function onRandomiseSeed() {
  document.getElementById('randomise-seed').addEventListener('click', () => {
    fields.seed.value = randomSeed();
    fields.seed.focus();
  });
}
