// Hires fix: generate at the selected size, upscale, refine at the larger size (the API's `hires` object).

const enabled = document.getElementById('hires-enabled');
const scale = document.getElementById('hires-scale');
const strength = document.getElementById('hires-strength');
const strengthValue = document.getElementById('hires-strength-value');
const settings = document.getElementById('hires-settings');

/** The `hires` field of the request when the toggle is on; nothing otherwise. */
export function read() {
  if (!enabled.checked) {
    return {};
  }
  return { hires: { scale: Number(scale.value), strength: Number(strength.value) } };
}

export function init() {
  enabled.addEventListener('change', () => {
    settings.hidden = !enabled.checked;
  });
  strength.addEventListener('input', () => {
    strengthValue.textContent = Number(strength.value).toFixed(2);
  });
}
