// Drives Diffusion4j's OpenAI-compatible endpoint with the official OpenAI Node SDK, as an OpenAI user would:
//   node openai-images-check.mjs http://localhost:8081
// Prints one JSON object with what the SDK returned; extension/rest/deployment's OpenAiCompatibilityTest asserts on it.
import OpenAI, { toFile } from 'openai';
import { deflateSync } from 'node:zlib';

const base = process.argv[2];
if (!base) {
  console.error('usage: node openai-images-check.mjs BASE_URL');
  process.exit(2);
}
// maxRetries 0: a 5xx must show up as a failure here, not be hidden by the SDK's retries
const client = new OpenAI({ baseURL: `${base.replace(/\/$/, '')}/v1`, apiKey: 'not-checked', maxRetries: 0, timeout: 120000 });
const out = {};

const plain = await client.images.generate({ model: 'dall-e-2', prompt: 'a red circle', n: 1, size: '64x64', response_format: 'b64_json' });
out.generate = plain.data.map((d) => ({ magic: Buffer.from(d.b64_json, 'base64').subarray(0, 4).toString('hex'), revised: d.revised_prompt }));

const stream = await client.images.generate({ prompt: 'a blue square', size: '64x64', stream: true, partial_images: 2 });
out.stream = [];
for await (const event of stream) {
  out.stream.push({ type: event.type, index: event.partial_image_index, size: event.size, format: event.output_format,
    magic: Buffer.from(event.b64_json, 'base64').subarray(0, 4).toString('hex') });
}

try {
  await client.images.generate({ prompt: 'x', size: 'huge', n: 0 });
  out.invalid = 'no error';
} catch (e) {
  out.invalid = { status: e.status, message: e.message, param: e.param, code: e.code, type: e.type, name: e.constructor.name };
}
// images.edit: multipart image + mask (OpenAI's convention: the fully transparent pixels are the area to edit)
const image = png(64, 64, (x, y) => [200, 40, 40, 255]);
const mask = png(64, 64, (x, y) => [0, 0, 0, x < 32 ? 0 : 255]);
const edited = await client.images.edit({
  model: 'dall-e-2', prompt: 'a green square', n: 1, size: '64x64', response_format: 'b64_json',
  image: await toFile(image, 'image.png', { type: 'image/png' }),
  mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
});
out.edit = edited.data.map((d) => ({ magic: Buffer.from(d.b64_json, 'base64').subarray(0, 4).toString('hex'),
  width: Buffer.from(d.b64_json, 'base64').readUInt32BE(16), height: Buffer.from(d.b64_json, 'base64').readUInt32BE(20) }));
try {
  // a mask without alpha cannot say what to edit: OpenAI refuses it, so do we, naming the field
  await client.images.edit({ prompt: 'x', image: await toFile(image, 'image.png', { type: 'image/png' }),
    mask: await toFile(png(64, 64, () => [0, 0, 0, 255], 2), 'mask.png', { type: 'image/png' }) });
  out.editInvalid = 'no error';
} catch (e) {
  out.editInvalid = { status: e.status, message: e.message, param: e.param, name: e.constructor.name };
}
console.log(JSON.stringify(out));

/** A PNG of width x height from pixel(x, y) -> [r, g, b, a]: colour type 6 (RGBA), or 2 (RGB, alpha dropped). */
function png(width, height, pixel, colourType = 6) {
  const channels = colourType === 6 ? 4 : 3;
  const raw = Buffer.alloc((width * channels + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * channels + 1);
    for (let x = 0; x < width; x++) {
      pixel(x, y).slice(0, channels).forEach((v, c) => { raw[row + 1 + x * channels + c] = v; });
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) {
      c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
  }
  return (c ^ 0xffffffff) >>> 0;
}
