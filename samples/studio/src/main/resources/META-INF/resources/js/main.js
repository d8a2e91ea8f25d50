// Wires the page: loads the model's options, submits jobs, follows their events, cancels, and fills the gallery.

import { ApiError, cancelJob, followJob, getJob, getJson, submitJob } from './api.js';
import * as edit from './edit.js';
import * as form from './form.js';
import * as gallery from './gallery.js';
import { pacer } from './pacer.js';
import * as stage from './stage.js';

const generateButton = document.getElementById('generate');
const cancelButton = document.getElementById('cancel');
const modelInfo = document.getElementById('model-info');

/** The layout's one-column breakpoint (studio.css). */
const PHONE = window.matchMedia('(max-width: 820px)');

/** The job this page is following, or null. */
let current = null;
/** True from the click to the end of the job, including while the POST is in flight (no double submits). */
let busy = false;
/** The models of GET /models, by name. */
let models = new Map();

function setRunning(running) {
  generateButton.disabled = running;
  cancelButton.disabled = !running;
  generateButton.textContent = running ? 'Generating…' : 'Generate';
}

function finish() {
  current?.stop();
  current = null;
  busy = false;
  setRunning(false);
}

async function generate() {
  if (busy) {
    return; // one job at a time from this page; Cancel is the way to stop it
  }
  busy = true;
  form.clearErrors();
  const { params, seed } = form.read(edit.read());
  setRunning(true);
  let job;
  try {
    job = await submitJob(params, seed);
  } catch (error) {
    busy = false;
    setRunning(false);
    if (error instanceof ApiError && error.problem) {
      form.showProblem(error.problem, error.message);
      stage.idle(error.status === 503 ? 'The server is busy: try again in a moment' : 'Check the highlighted settings');
    } else {
      form.showProblem(null, `Cannot reach the server: ${error.message}`);
      stage.idle('Offline');
    }
    return;
  }
  const id = job.id;
  stage.begin(id, params.width, params.height);
  if (PHONE.matches) {
    // one column: the picture is below the form, bring it up so that the steps can be watched
    document.querySelector('.stage').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }
  current = { id, stop: () => {} };
  const show = pacer({
    queued: (data) => stage.queued(data),
    started: (data) => stage.started(data),
    step: (data) => stage.step(data),
    completed: (data) => {
      const first = data.images[0];
      // the seed as sent: JSON.parse rounds integers past 2^53, and reuse must give the same image
      const meta = /^\d+$/.test(seed) ? { ...first.metadata, seed } : first.metadata;
      const entry = { jobId: id, image: first.image, meta, timings: data.timings };
      stage.completed(entry);
      gallery.add(entry);
      finish();
    },
    cancelled: (data) => {
      stage.cancelled(data);
      finish();
    },
    failed: (data) => {
      stage.failed(data.detail ?? data.title);
      finish();
    },
  });
  current.stop = followJob(id, {
    queued: (data) => show('queued', data),
    started: (data) => show('started', data),
    step: (data) => show('step', data),
    completed: (data) => show('completed', data),
    cancelled: (data) => show('cancelled', data),
    failed: (data) => show('failed', data),
    lost: () => recover(id),
  });
}

/** The event stream closed for good (server restarted, job expired): ask for the job's state once. */
async function recover(id) {
  try {
    const job = await getJob(id);
    if (job.state === 'cancelled') {
      stage.cancelled(job);
    } else {
      stage.failed(`lost the event stream (job ${job.state})`);
    }
  } catch {
    stage.failed('lost the connection to the server');
  }
  if (current?.id === id) {
    finish();
  }
}

async function cancel() {
  if (!current) {
    return;
  }
  cancelButton.disabled = true;
  try {
    await cancelJob(current.id); // the `cancelled` event ends the job on the page
  } catch (error) {
    cancelButton.disabled = false;
    stage.idle(`Cancel failed: ${error.message}`);
  }
}

function reuse(entry) {
  if (!current) {
    stage.show(entry);
    stage.idle(`Showing seed ${entry.meta.seed}: settings restored`);
  }
  form.apply(entry.meta);
  document.getElementById('prompt').focus();
}

/** The picker's model: its sizes, defaults and own schedulers. */
function useModel(name) {
  const model = models.get(name);
  form.setSizes(model);
  form.setDefaults(model);
  form.setSchedulers(model.schedulers ?? [], model.defaults.scheduler);
  modelInfo.textContent = `Model ${model.name} · ${model.family ?? ''} · ${model.layout} ${model.precision} · ${model.provider}`;
}

async function useAsInit(entry) {
  await edit.setImage(entry.image);
  document.getElementById('edit').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

async function init() {
  form.onSubmit(generate);
  edit.init((width, height) => form.offerSize(width, height, models.get(form.selectedModel())));
  form.onModelChange(useModel);
  form.onRandomiseSeed();
  cancelButton.addEventListener('click', cancel);
  gallery.init(reuse, useAsInit);
  setRunning(false);
  try {
    const [list, schedulers] = await Promise.all([getJson('/models'), getJson('/schedulers')]);
    models = new Map(list.map((m) => [m.name, { ...m, schedulers: m.schedulers ?? schedulers.schedulers }]));
    form.setModels(list);
    useModel((list.find((m) => m.default) ?? list[0]).name);
    document.body.dataset.ready = 'true';
  } catch (error) {
    modelInfo.textContent = `Cannot load the model list: ${error.message}`;
    stage.idle('The server is not ready');
  }
}

init();
