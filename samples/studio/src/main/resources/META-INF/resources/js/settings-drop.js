// A PNG dropped anywhere on the page (outside the init image's drop zone), or chosen with "Load settings from a PNG",
// fills the form with the settings written in its `parameters` text: our PNGs and AUTOMATIC1111's alike.

import { toSettings } from './infotext.js';
import { readText } from './png.js';

const overlay = document.getElementById('drop-overlay');
const fileInput = document.getElementById('settings-file');

/** Whether a drag carries files and is not over the init image's own drop zone. */
function forSettings(event) {
  return event.dataTransfer?.types?.includes('Files') && !event.target.closest?.('#dropzone');
}

async function read(file, onSettings, onError) {
  if (!file) {
    return;
  }
  try {
    const texts = await readText(new Uint8Array(await file.arrayBuffer()));
    if (!texts.parameters) {
      onError(`${file.name} has no generation parameters (no "parameters" text chunk)`);
      return;
    }
    onSettings(toSettings(texts.parameters), file.name);
  } catch (error) {
    onError(`${file.name}: ${error.message}`);
  }
}

/** `onSettings(settings, fileName)` for a PNG with parameters, `onError(message)` otherwise. */
export function init(onSettings, onError) {
  document.addEventListener('dragover', (event) => {
    if (forSettings(event)) {
      event.preventDefault();
      overlay.hidden = false;
    }
  });
  document.addEventListener('dragleave', (event) => {
    if (event.relatedTarget === null) {
      overlay.hidden = true; // left the window
    }
  });
  document.addEventListener('drop', (event) => {
    overlay.hidden = true;
    if (forSettings(event)) {
      event.preventDefault();
      read(event.dataTransfer.files[0], onSettings, onError);
    }
  });
  fileInput.addEventListener('change', () => {
    read(fileInput.files[0], onSettings, onError).finally(() => {
      fileInput.value = '';
    });
  });
}
