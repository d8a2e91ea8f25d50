// Drives Diffusion4j's OpenAI-compatible endpoint with the official OpenAI Node SDK, as an OpenAI user would:
//   node openai-images-check.mjs http://localhost:8081
// Prints one JSON object with what the SDK returned; deployment's OpenAiNodeSdkTest asserts on it.
import OpenAI from 'openai';

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
console.log(JSON.stringify(out));
