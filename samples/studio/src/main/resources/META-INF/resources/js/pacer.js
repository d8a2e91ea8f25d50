// Plays a job's events at a pace the eye can follow. A small model denoises in a few milliseconds a step: shown as
// they arrive, its 25 steps would flash by in a fraction of a second and the picture would just appear. Steps are
// shown at most one per FRAME_MS, and a backlog is played within MAX_BACKLOG_MS, so a slow model (seconds per
// step) is shown exactly as it streams and a fast one adds at most a moment. Timings shown are the server's.

const FRAME_MS = 60;
const MAX_BACKLOG_MS = 1500;
const TERMINAL_NOW = new Set(['cancelled', 'failed']);

/** `handlers`: one function per event name. Returns `push(name, data)`. */
export function pacer(handlers) {
  const queue = [];
  let timer = null;
  let lastStep = 0;

  function pendingSteps() {
    return queue.reduce((n, [name]) => n + (name === 'step' ? 1 : 0), 0);
  }

  function pump() {
    timer = null;
    while (queue.length > 0) {
      const [name, data] = queue[0];
      if (name === 'step') {
        const frame = Math.min(FRAME_MS, MAX_BACKLOG_MS / pendingSteps());
        const wait = lastStep + frame - performance.now();
        if (wait > 0) {
          timer = setTimeout(pump, wait);
          return;
        }
        lastStep = performance.now();
      }
      queue.shift();
      handlers[name]?.(data);
    }
  }

  return function push(name, data) {
    if (TERMINAL_NOW.has(name)) {
      // a cancel or an error is shown at once: the steps before it no longer matter
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i][0] === 'step') {
          queue.splice(i, 1);
        }
      }
    }
    queue.push([name, data]);
    if (timer === null) {
      pump();
    }
  };
}
