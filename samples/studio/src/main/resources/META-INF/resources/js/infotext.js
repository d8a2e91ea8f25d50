// AUTOMATIC1111's "infotext" (the PNG `parameters` text) read back into the studio's settings. The parsing follows
// stable-diffusion-webui modules/infotext_utils.py parse_generation_parameters (commit 0365002) up to its field
// loop, with its regular expression re_param, as the SDK's io.github.diffusion4j.image.Infotext does:
//
//   a watercolor fox
//   Negative prompt: blurry
//   Steps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 42, Size: 512x768, Model: sd15

// re_param_code; Python's \w is Unicode-aware, JavaScript's only with explicit classes
const PARAM = /\s*([\p{L}\p{M}\p{N}_][\p{L}\p{M}\p{N}_ \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/gu;
const SIZE = /^(\d+)x(\d+)$/;
const NEGATIVE = 'Negative prompt:';

/** A1111's unquote: a JSON string literal decoded, anything else (or invalid JSON) as it is. */
function unquote(text) {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) {
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fieldsOf(line) {
  const fields = new Map();
  for (const [, key, value] of line.matchAll(PARAM)) {
    fields.set(key, unquote(value));
  }
  return fields;
}

/** `{ prompt, negativePrompt, fields }`: the last line is the field line only when it holds at least 3 fields. */
export function parse(text) {
  const lines = text.trim().split('\n');
  let fields = fieldsOf(lines[lines.length - 1]);
  let promptLines = lines.length - 1;
  if (fields.size < 3) {
    fields = new Map();
    promptLines = lines.length;
  }
  const prompt = [];
  const negative = [];
  let doneWithPrompt = false;
  for (let line of lines.slice(0, promptLines)) {
    line = line.trim();
    if (line.startsWith(NEGATIVE)) {
      doneWithPrompt = true;
      line = line.slice(NEGATIVE.length).trim();
    }
    (doneWithPrompt ? negative : prompt).push(line);
  }
  return { prompt: prompt.join('\n'), negativePrompt: negative.join('\n'), fields };
}

function number(fields, key) {
  const value = fields.get(key)?.trim();
  return value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
}

/**
 * The studio's settings from an infotext; fields it does not carry are left undefined (the form keeps its value).
 * The sampler is A1111's label with its schedule type (`DPM++ 2M Karras`): the server takes A1111 labels as
 * scheduler names. The seed stays a string of digits (seeds go past what a JavaScript number holds exactly).
 */
export function toSettings(text) {
  const { prompt, negativePrompt, fields } = parse(text);
  const size = SIZE.exec(fields.get('Size')?.trim() ?? '');
  const type = fields.get('Schedule type')?.trim();
  const sampler = fields.get('Sampler')?.trim();
  const seed = fields.get('Seed')?.trim();
  return {
    prompt,
    negativePrompt,
    steps: number(fields, 'Steps'),
    guidanceScale: number(fields, 'CFG scale'),
    scheduler: sampler && type && type.toLowerCase() !== 'automatic' ? `${sampler} ${type}` : sampler,
    seed: /^\d+$/.test(seed ?? '') ? seed : undefined,
    width: size ? Number(size[1]) : undefined,
    height: size ? Number(size[2]) : undefined,
    model: fields.get('Model')?.trim(),
    modelHash: fields.get('Model hash')?.trim(),
  };
}
