// The studio's history in IndexedDB: every finished image (its PNG as a data URI) with its parameters and timings,
// kept across reloads and browser restarts until the Clear button. Newest first; past MAX_ITEMS the oldest go.
// IndexedDB rather than localStorage: a few dozen PNGs outgrow localStorage's few megabytes.

const DB_NAME = 'diffusion4j-studio';
const STORE = 'images';
export const MAX_ITEMS = 100;

let opened = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key', autoIncrement: true });
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close(); // let another tab (or a test) delete the database
      resolve(db);
    };
    req.onerror = () => reject(req.error);
  });
  return opened;
}

async function store(mode) {
  return (await open()).transaction(STORE, mode).objectStore(STORE);
}

/** Every kept entry, newest first. */
export async function load() {
  const all = await request((await store('readonly')).getAll());
  return all.reverse();
}

/** Keeps `entry` (a structured-cloneable object); drops the oldest past the limit. */
export async function add(entry) {
  const images = await store('readwrite');
  await request(images.add(entry));
  const keys = await request(images.getAllKeys());
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ITEMS))) {
    images.delete(old);
  }
}

export async function clear() {
  await request((await store('readwrite')).clear());
}
