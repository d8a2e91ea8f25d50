// Wires the page: loads the models, submits runs (a batch of jobs), follows the running one on the stage, keeps the
// queue view and the history, and loads settings from a dropped PNG.

import { ApiError, cancelJob, followJob, getJob, getJson, submitJob } from './api.js';
import * as edit from './edit.js';
import * as form from './form.js';
import * as gallery from './gallery.js';
import * as hires from './hires.js';
import { pacer } from './pacer.js';
import * as queue from './queue.js';
import * as settingsDrop from './settings-drop.js';
import * as stage from './stage.js';

const generateButton = document.getElementById('generate');
const cancelButton = document.getElementById('cancel');
const modelInfo = document.getElementById('model-info');

/** The layout's one-column breakpoint (studio.css). */
const PHONE = window.matchMedia('(max-width: 820px)');

/** This page's unfinished jobs in submission order; the first is the one on the stage. */
const jobs = [];
/** The job on the stage: { id, stop }, or null. */
let current = null;
/** True while a run's POSTs are in flight (no double submits). */
let submitting = false;
/** The models of GET /models, by name. */
let models = new Map();

function refresh() {
  generateButton.disabled = submitting;
  generateButton.textContent = submitting ? 'Submitting…' : jobs.length > 0 ? 'Generate (queue)' : 'Generate';
  cancelButton.disabled = jobs.length === 0;
  queue.render(jobs, cancelOne);
}

function remove(id) {
  const index = jobs.findIndex((j) => j.id === id);
  if (index >= 0) {
    jobs.splice(index, 1);
  }
}

/** The seeds of a batch: A1111's batch count adds 1 per image. BigInt: seeds go past 2^53. */
function seedsOf(seed, count) {
  if (!/^\d+$/.test(seed)) {
    return Array(count).fill(seed); // not a number: the server names the field
  }
  return Array.from({ length: count }, (_, i) => (BigInt(seed) + BigInt(i)).toString());
}

async function generate() {
  if (submitting) {
    return;
  }
  form.clearErrors();
  const { params, seed, batchCount } = form.read({ ...edit.read(), ...hires.read() });
  const seeds = seedsOf(seed, batchCount);
  submitting = true;
  refresh();
  let queued = 0;
  try {
    for (const [index, s] of seeds.entries()) {
      const job = await submitJob(params, s);
      jobs.push({ id: job.id, params, seed: s, batch: { index, count: batchCount }, state: 'queued',
        position: job.position ?? null, step: 0, steps: 0 });
      queued++;
      refresh();
    }
  } catch (error) {
    showSubmitError(error, queued, batchCount);
  } finally {
    submitting = false;
    refresh();
  }
  if (queued > 0) {
    queue.poll(() => jobs, updateFromServer);
    if (!current) {
      followNext();
    }
  }
}

function showSubmitError(error, queued, count) {
  if (queued > 0) {
    stage.idle(`${queued} of ${count} queued: ${error.message}`);
  } else if (error instanceof ApiError && error.problem) {
    form.showProblem(error.problem, error.message);
    stage.idle(error.status === 503 ? 'The server is busy: try again in a moment' : 'Check the highlighted settings');
  } else {
    form.showProblem(null, `Cannot reach the server: ${error.message}`);
    stage.idle('Offline');
  }
}

/** A poll answer: the job's state, position and step for the queue view. */
function updateFromServer(job, status) {
  if (!jobs.includes(job)) {
    return;
  }
  const ended = status.state === 'failed' || status.state === 'cancelled';
  if (status.state === 'lost' || (ended && job !== jobs[0])) {
    remove(job.id); // cancelled elsewhere, or expired; the job on the stage ends through its own events
  } else if (!ended) {
    job.state = status.state; // a completed one waits for its turn on the stage, which replays its events
    job.position = status.position ?? null;
    job.step = status.step ?? 0;
    job.steps = status.steps ?? 0;
  }
  refresh();
}

/** Puts the oldest unfinished job on the stage and follows its events; the others wait in the queue view. */
function followNext() {
  const job = jobs[0];
  current = null;
  refresh();
  if (!job) {
    return;
  }
  const { id, params } = job;
  stage.begin(id, params.width, params.height);
  if (PHONE.matches) {
    // one column: the picture is below the form, bring it up so that the steps can be watched
    document.querySelector('.stage').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }
  current = { id, stop: () => {} };
  const done = () => {
    current?.stop();
    remove(id);
    followNext();
  };
  const show = pacer({
    queued: (data) => stage.queued(data),
    started: (data) => {
      job.state = 'running';
      job.steps = data.steps;
      refresh();
      stage.started(data);
    },
    step: (data) => stage.step(data),
    completed: (data) => {
      const first = data.images[0];
      // the seed as sent: JSON.parse rounds integers past 2^53, and reuse must give the same image
      const meta = /^\d+$/.test(job.seed) ? { ...first.metadata, seed: job.seed } : first.metadata;
      const entry = { jobId: id, image: first.image, meta, timings: data.timings, batch: job.batch };
      stage.completed(entry);
      gallery.add(entry);
      done();
    },
    cancelled: (data) => {
      stage.cancelled(data);
      done();
    },
    failed: (data) => {
      stage.failed(data.detail ?? data.title);
      done();
    },
  });
  current.stop = followJob(id, {
    queued: (data) => show('queued', data),
    started: (data) => show('started', data),
    step: (data) => show('step', data),
    completed: (data) => show('completed', data),
    cancelled: (data) => show('cancelled', data),
    failed: (data) => show('failed', data),
    lost: () => recover(id, done),
  });
}

/** The event stream closed for good (server restarted, job expired): ask for the job's state once. */
async function recover(id, done) {
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
    done();
  }
}

/** The queue view's Cancel: the job on the stage ends through its `cancelled` event; a waiting one goes at once. */
async function cancelOne(job) {
  try {
    await cancelJob(job.id);
    if (job.id !== current?.id) {
      remove(job.id);
      refresh();
    }
  } catch (error) {
    stage.idle(`Cancel failed: ${error.message}`);
    refresh();
  }
}

/** Cancel: this page's waiting jobs first (so that none starts), then the running one. */
async function cancelAll() {
  cancelButton.disabled = true;
  const waiting = jobs.filter((j) => j.id !== current?.id);
  await Promise.all(waiting.map(cancelOne));
  const running = jobs.find((j) => j.id === current?.id);
  if (running) {
    await cancelOne(running);
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
  modelInfo.textContent = `Model ${model.name} · ${model.family ?? ''} · ${model.layout} ${model.precision}`
      + ` · ${model.provider} · sizes in multiples of ${model.sizeMultiple ?? 8} px`
      + ` · ${(model.schedulers ?? []).length} schedulers`;
}

/** Settings read from a dropped PNG: its model first (that resets sizes and schedulers), then the rest. */
function loadSettings(settings, fileName) {
  const sameModel = settings.model && models.has(settings.model);
  if (sameModel && form.selectedModel() !== settings.model) {
    form.selectModel(settings.model);
    useModel(settings.model);
  }
  const notes = form.apply(settings);
  if (settings.model && !sameModel) {
    notes.unshift(`made with model ${settings.model}, not on this server`);
  }
  stage.idle(`Settings loaded from ${fileName}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
}

async function useAsInit(entry) {
  await edit.setImage(entry.image);
  document.getElementById('edit').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

async function init() {
  form.onSubmit(generate);
  hires.init();
  edit.init((width, height) => form.offerSize(width, height, models.get(form.selectedModel())));
  form.onModelChange(useModel);
  form.onRandomiseSeed();
  cancelButton.addEventListener('click', cancelAll);
  settingsDrop.init(loadSettings, (message) => form.showProblem(null, message));
  refresh();
  const history = gallery.init(reuse, useAsInit);
  try {
    const [list, schedulers] = await Promise.all([getJson('/models'), getJson('/schedulers')]);
    models = new Map(list.map((m) => [m.name, { ...m, schedulers: m.schedulers ?? schedulers.schedulers }]));
    form.setModels([...models.values()]);
    useModel((list.find((m) => m.default) ?? list[0]).name);
    await history;
    document.body.dataset.ready = 'true';
  } catch (error) {
    modelInfo.textContent = `Cannot load the model list: ${error.message}`;
    stage.idle('The server is not ready');
  }
}

init();
