// The picture area: live previews, the progress bar with step k/N and ETA, then the final image and its details.

const canvas = document.getElementById('canvas');
const preview = document.getElementById('preview');
const result = document.getElementById('result');
const placeholder = document.getElementById('placeholder');
const progress = document.getElementById('progress');
const fill = document.getElementById('progress-fill');
const status = document.getElementById('status');
const eta = document.getElementById('eta');
const details = document.getElementById('details');

/** Below this many pixels a side the image is shown as crisp enlarged pixels, as the previews are. */
const SMALL = 256;

/** The last step event's total: some schedulers (PNDM) run one step more than the request's `steps`. */
let lastTotal = 0;

function setProgress(fraction) {
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  fill.style.width = `${percent}%`;
  progress.setAttribute('aria-valuenow', String(percent));
  progress.setAttribute('aria-valuetext', `${percent} %`);
}

function setState(state) {
  canvas.dataset.state = state;
}

export function seconds(millis) {
  return millis < 1000 ? `${Math.round(millis)} ms` : `${(millis / 1000).toFixed(1)} s`;
}

/** A new job was accepted: clear the last picture, keep its size until the first preview arrives. */
export function begin(jobId, width, height) {
  canvas.dataset.jobId = jobId;
  canvas.style.aspectRatio = `${width} / ${height}`;
  setState('queued');
  setProgress(0);
  status.textContent = 'Queued';
  eta.textContent = '';
  // the last image's seed and timings must not read as this job's
  details.replaceChildren();
  details.hidden = true;
  delete canvas.dataset.shownSeed;
  result.hidden = true;
  preview.hidden = true;
  placeholder.hidden = false;
  placeholder.textContent = 'Waiting for the first step…';
}

export function queued(data) {
  status.textContent = data.position > 1 ? `Queued: ${data.position - 1} ahead of you` : 'Starting next';
}

export function started(data) {
  setState('running');
  lastTotal = data.steps;
  status.textContent = `Step 0/${data.steps}`;
  eta.textContent = `seed ${data.seed}`;
}

export function step(data) {
  setState('running');
  lastTotal = data.total;
  setProgress(data.progress);
  status.textContent = `Step ${data.index}/${data.total} · ${Math.round(data.progress * 100)} %`;
  eta.textContent = data.index < data.total ? `ETA ${seconds(data.etaMillis)}` : 'Decoding…';
  if (data.preview) {
    preview.src = data.preview;
    preview.hidden = false;
    placeholder.hidden = true;
  }
}

function detail(term, value) {
  const row = document.createElement('div');
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = term;
  dd.textContent = value;
  row.append(dt, dd);
  return row;
}

/** Shows a finished image (also used to show a gallery item again). */
export function show(entry) {
  const { image, meta, timings } = entry;
  canvas.dataset.shownSeed = String(meta.seed);
  canvas.style.aspectRatio = `${meta.width} / ${meta.height}`;
  result.classList.toggle('small', Math.max(meta.width, meta.height) <= SMALL);
  result.src = image;
  result.alt = `Generated image: ${meta.prompt || 'empty prompt'}`;
  result.hidden = false;
  preview.hidden = true;
  placeholder.hidden = true;
  details.replaceChildren(
    detail('Seed', String(meta.seed)),
    detail('Size', `${meta.width} × ${meta.height}`),
    detail('Steps', `${meta.steps} · ${meta.scheduler}`),
    detail('CFG scale', String(meta.guidanceScale)),
    detail('Denoising', seconds(timings.denoisingMillis)),
    detail('Text encoder', seconds(timings.textEncodingMillis)),
    detail('VAE decode', seconds(timings.decodingMillis)),
    detail('Total', seconds(timings.totalMillis) + (timings.queuedMillis > 0 ? ` (+${seconds(timings.queuedMillis)} queued)` : '')),
  );
  details.hidden = false;
}

export function completed(entry) {
  setState('completed');
  setProgress(1);
  status.textContent = `Done · step ${lastTotal}/${lastTotal} · 100 %`;
  eta.textContent = `in ${seconds(entry.timings.totalMillis)}`;
  show(entry);
}

export function cancelled(data) {
  setState('cancelled');
  status.textContent = `Cancelled at ${Math.round((data?.progress ?? 0) * 100)} %`;
  eta.textContent = '';
}

export function failed(message) {
  setState('failed');
  status.textContent = `Failed: ${message}`;
  eta.textContent = '';
  if (result.hidden && preview.hidden) {
    placeholder.hidden = false;
    placeholder.textContent = 'No image.';
  }
}

export function idle(message) {
  setState('idle');
  status.textContent = message;
  eta.textContent = '';
}
