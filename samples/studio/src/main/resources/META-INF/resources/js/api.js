// The extension's REST API: jobs (POST, then the events over EventSource, DELETE to cancel), models, schedulers.
// The jobs API rather than POST /images/stream because EventSource only does GET, and it reconnects by itself
// with Last-Event-ID, which the server answers by replaying what was missed.

const API = document.querySelector('meta[name="diffusion-api"]')?.content ?? '/diffusion/v1';

/** A non-2xx answer; `problem` is the RFC 9457 body when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? null;
  }
}

async function read(response) {
  const type = response.headers.get('Content-Type') ?? '';
  const body = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    throw new ApiError(response.status, body);
  }
  return body;
}

export async function getJson(path) {
  return read(await fetch(API + path, { headers: { Accept: 'application/json' } }));
}

/**
 * Submits a generation. `seed` is passed separately as a string of digits and spliced into the JSON unchanged:
 * seeds go up to 2^63-1, past what a JavaScript number holds exactly.
 */
export async function submitJob(params, seed) {
  let body = JSON.stringify(params);
  if (seed !== null && seed !== undefined && seed !== '') {
    const literal = /^\d+$/.test(seed) ? seed : JSON.stringify(seed); // not digits: let the server name the field
    body = body.slice(0, -1) + (body.length > 2 ? ',' : '') + '"seed":' + literal + '}';
  }
  return read(await fetch(API + '/jobs', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body,
  }));
}

export async function cancelJob(id) {
  const response = await fetch(API + '/jobs/' + encodeURIComponent(id), { method: 'DELETE' });
  if (!response.ok && response.status !== 404) {
    await read(response);
  }
}

export async function getJob(id) {
  return getJson('/jobs/' + encodeURIComponent(id));
}

const EVENTS = ['queued', 'started', 'step', 'completed', 'failed', 'cancelled'];
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Follows a job's events. `handlers` has one optional function per event name, plus `lost` for when the stream
 * cannot be reopened. The stream is closed after the terminal event: EventSource would otherwise reconnect to a
 * finished job forever. Returns a function that stops following.
 */
export function followJob(id, handlers) {
  const source = new EventSource(API + '/jobs/' + encodeURIComponent(id) + '/events');
  for (const name of EVENTS) {
    source.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      if (TERMINAL.has(name)) {
        source.close();
      }
      handlers[name]?.(data, Number(event.lastEventId));
    });
  }
  source.onerror = () => {
    // CONNECTING: the browser retries by itself and the server replays the missed events
    if (source.readyState === EventSource.CLOSED) {
      handlers.lost?.();
    }
  };
  return () => source.close();
}
