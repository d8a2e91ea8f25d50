// The init image and its mask: upload or drop a picture (or take one from the gallery), paint the area to repaint
// on a canvas over it (paint / erase / clear), and a strength slider. Sent as data URIs in the job's JSON.

const ACCEPTED = ['image/png', 'image/jpeg'];

const dropzone = document.getElementById('dropzone');
const fileInput = document.getElementById('init-file');
const hint = document.getElementById('drop-hint');
const holder = document.getElementById('edit-canvas');
const preview = document.getElementById('init-preview');
const maskCanvas = document.getElementById('mask-canvas');
const tools = document.getElementById('mask-tools');
const paintButton = document.getElementById('brush-paint');
const eraseButton = document.getElementById('brush-erase');
const strength = document.getElementById('strength');
const strengthValue = document.getElementById('strength-value');
const imageError = document.getElementById('image-error');

/** The init image as a data URI, or null for text-to-image. */
let image = null;
let erasing = false;
let last = null;
let onImageSize = () => {};

function brushRadius() {
  return Math.max(2, Math.round(Math.max(maskCanvas.width, maskCanvas.height) / 12));
}

/** A pointer position in the canvas's own pixels (it is displayed scaled to the column's width). */
function point(event) {
  const box = maskCanvas.getBoundingClientRect();
  return {
    x: (event.clientX - box.left) * (maskCanvas.width / box.width),
    y: (event.clientY - box.top) * (maskCanvas.height / box.height),
  };
}

function stroke(from, to) {
  const ctx = maskCanvas.getContext('2d');
  // erasing cuts the painted white away again: what stays transparent is kept
  ctx.globalCompositeOperation = erasing ? 'destination-out' : 'source-over';
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineCap = 'round';
  ctx.lineWidth = brushRadius() * 2;
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(to.x, to.y, brushRadius(), 0, Math.PI * 2);
  ctx.fill();
}

function setErasing(value) {
  erasing = value;
  paintButton.setAttribute('aria-pressed', String(!value));
  eraseButton.setAttribute('aria-pressed', String(value));
}

export function clearMask() {
  maskCanvas.getContext('2d').clearRect(0, 0, maskCanvas.width, maskCanvas.height);
}

/** Whether any pixel is painted: an empty mask means image-to-image, not inpainting of nothing. */
function painted() {
  if (!image || maskCanvas.width === 0) {
    return false;
  }
  const alpha = maskCanvas.getContext('2d').getImageData(0, 0, maskCanvas.width, maskCanvas.height).data;
  for (let i = 3; i < alpha.length; i += 4) {
    if (alpha[i] > 0) {
      return true;
    }
  }
  return false;
}

/** The mask as the API takes it: white = repaint, black = keep, the init image's size. */
function maskDataUri() {
  const out = document.createElement('canvas');
  out.width = maskCanvas.width;
  out.height = maskCanvas.height;
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(maskCanvas, 0, 0);
  return out.toDataURL('image/png');
}

/** Uses `dataUri` as the init image; the mask starts empty. */
export function setImage(dataUri) {
  return new Promise((resolve, reject) => {
    const probe = new Image();
    probe.onload = () => {
      image = dataUri;
      preview.src = dataUri;
      maskCanvas.width = probe.naturalWidth;
      maskCanvas.height = probe.naturalHeight;
      clearMask();
      holder.hidden = false;
      tools.hidden = false;
      hint.hidden = true;
      imageError.textContent = '';
      onImageSize(probe.naturalWidth, probe.naturalHeight);
      resolve();
    };
    probe.onerror = () => reject(new Error('the browser cannot decode this image'));
    probe.src = dataUri;
  });
}

export function removeImage() {
  image = null;
  holder.hidden = true;
  tools.hidden = true;
  hint.hidden = false;
  fileInput.value = '';
  preview.removeAttribute('src');
}

function load(file) {
  if (!file) {
    return;
  }
  if (!ACCEPTED.includes(file.type)) {
    imageError.textContent = `${file.name} is not a PNG or JPEG image`;
    return;
  }
  const reader = new FileReader();
  reader.onload = () => setImage(reader.result).catch((error) => {
    imageError.textContent = `${file.name}: ${error.message}`;
  });
  reader.readAsDataURL(file);
}

/** The editing fields of the request: none without an init image; a mask only when something is painted. */
export function read() {
  if (!image) {
    return {};
  }
  const fields = { image, strength: Number(strength.value) };
  if (painted()) {
    fields.mask = maskDataUri();
  }
  return fields;
}

/** `sizeChanged(width, height)` is told the size of each new init image (the form offers it as the output size). */
export function init(sizeChanged) {
  onImageSize = sizeChanged;
  fileInput.addEventListener('change', () => load(fileInput.files[0]));
  dropzone.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropzone.classList.add('dragging');
  });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('dragging'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('dragging');
    load(event.dataTransfer.files[0]);
  });
  maskCanvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    maskCanvas.setPointerCapture(event.pointerId);
    last = point(event);
    stroke(last, last);
  });
  maskCanvas.addEventListener('pointermove', (event) => {
    if (last) {
      const next = point(event);
      stroke(last, next);
      last = next;
    }
  });
  const end = () => {
    last = null;
  };
  maskCanvas.addEventListener('pointerup', end);
  maskCanvas.addEventListener('pointercancel', end);
  paintButton.addEventListener('click', () => setErasing(false));
  eraseButton.addEventListener('click', () => setErasing(true));
  document.getElementById('mask-clear').addEventListener('click', clearMask);
  document.getElementById('init-remove').addEventListener('click', removeImage);
  strength.addEventListener('input', () => {
    strengthValue.textContent = Number(strength.value).toFixed(2);
  });
}
