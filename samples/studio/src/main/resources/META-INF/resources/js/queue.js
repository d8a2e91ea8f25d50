// The queue view: this page's jobs that are not finished yet, in the order the server runs them, each with its
// state (running with its step, or queued with its place in the server's queue) and a Cancel button. Positions come
// from GET /jobs/{id}, asked once a second while any job is waiting: they change as other users' jobs finish.

import { getJob } from './api.js';

const POLL_MS = 1000;

const panel = document.getElementById('queue-panel');
const list = document.getElementById('queue');
const summary = document.getElementById('queue-count');
let timer = null;

function row(job, cancel) {
  const li = document.createElement('li');
  li.className = 'queue-item';
  li.dataset.jobId = job.id;
  const what = document.createElement('span');
  what.className = 'queue-what';
  const batch = job.batch.count > 1 ? ` (${job.batch.index + 1} of ${job.batch.count})` : '';
  what.textContent = `${job.params.prompt || '(empty prompt)'}${batch} · seed ${job.seed}`;
  const state = document.createElement('span');
  state.className = 'queue-state';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button ghost queue-cancel';
  button.textContent = 'Cancel';
  button.setAttribute('aria-label', `Cancel ${what.textContent}`);
  button.addEventListener('click', () => {
    button.disabled = true;
    cancel(job);
  });
  li.append(what, state, button);
  return li;
}

function stateText(job) {
  if (job.state === 'completed') {
    return 'Finished · shown next';
  }
  if (job.state === 'running') {
    return job.steps > 0 ? `Running · step ${job.step}/${job.steps}` : 'Running';
  }
  return job.position ? `Queued · position ${job.position}` : 'Queued';
}

/**
 * Shows `jobs` ([{ id, params, seed, batch, state, position, step, steps }]); `cancel(job)` is the Cancel button.
 * Rows are kept per job and updated in place, so that a button under the pointer or the keyboard stays the same.
 */
export function render(jobs, cancel) {
  panel.hidden = jobs.length === 0;
  summary.textContent = jobs.length === 0 ? '' : `${jobs.length} job${jobs.length === 1 ? '' : 's'}`;
  const rows = new Map([...list.children].map((li) => [li.dataset.jobId, li]));
  const wanted = jobs.map((job) => {
    const li = rows.get(job.id) ?? row(job, cancel);
    li.dataset.state = job.state;
    li.querySelector('.queue-state').textContent = stateText(job);
    return li;
  });
  for (const [id, li] of rows) {
    if (!jobs.some((job) => job.id === id)) {
      li.remove();
    }
  }
  wanted.forEach((li, index) => {
    if (list.children[index] !== li) {
      list.insertBefore(li, list.children[index] ?? null);
    }
  });
}

/**
 * Asks the server for each job's state and position once a second while `jobs()` has any; `update(job, status)` is
 * called for each answer. A job the server no longer knows (expired) is reported with state `lost`.
 */
export function poll(jobs, update) {
  if (timer !== null) {
    return;
  }
  const tick = async () => {
    timer = null;
    const current = jobs();
    if (current.length === 0) {
      return;
    }
    await Promise.all(current.map(async (job) => {
      try {
        update(job, await getJob(job.id));
      } catch (error) {
        if (error.status === 404) {
          update(job, { state: 'lost' });
        } // other errors: the next tick asks again
      }
    }));
    timer ??= setTimeout(tick, POLL_MS);
  };
  timer = setTimeout(tick, 0);
}
