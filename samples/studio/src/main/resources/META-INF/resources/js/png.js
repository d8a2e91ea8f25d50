// The text chunks of a PNG (tEXt, zTXt, iTXt), read in the browser: the `parameters` chunk holds the settings that
// made an image, written by this server or by AUTOMATIC1111 (Pillow writes tEXt when the text is Latin-1, iTXt
// otherwise). Chunk layouts: PNG specification (W3C, 3rd edition) sections 11.3.3.2 to 11.3.3.4.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** The keyword (Latin-1, up to the first NUL) and the offset just after its NUL. */
function keyword(data) {
  const end = data.indexOf(0);
  if (end < 0) {
    throw new Error('a text chunk without its keyword separator');
  }
  return [latin1.decode(data.subarray(0, end)), end + 1];
}

async function textOf(type, data) {
  const [key, start] = keyword(data);
  if (type === 'tEXt') {
    return [key, latin1.decode(data.subarray(start))];
  }
  if (type === 'zTXt') {
    return [key, latin1.decode(await inflate(data.subarray(start + 1)))]; // one byte: compression method 0
  }
  // iTXt: compression flag, compression method, language tag NUL, translated keyword NUL, then the UTF-8 text
  const compressed = data[start] === 1;
  const languageEnd = data.indexOf(0, start + 2);
  const translatedEnd = data.indexOf(0, languageEnd + 1);
  if (languageEnd < 0 || translatedEnd < 0) {
    throw new Error('a malformed iTXt chunk');
  }
  const text = data.subarray(translatedEnd + 1);
  return [key, utf8.decode(compressed ? await inflate(text) : text)];
}

/** Whether `bytes` (a Uint8Array) starts with the PNG signature. */
export function isPng(bytes) {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Every text chunk of the PNG `bytes`, keyword → text (the first of a keyword wins). Throws when it is no PNG. */
export async function readText(bytes) {
  if (!isPng(bytes)) {
    throw new Error('not a PNG file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const texts = {};
  for (let offset = 8; offset + 12 <= bytes.length;) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IEND') {
      break;
    }
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const [key, text] = await textOf(type, data);
      texts[key] ??= text;
    }
    offset += 12 + length; // length, type, data, CRC
  }
  return texts;
}

/** The bytes of a `data:` URI (the gallery keeps images as data URIs). */
export function dataUriBytes(uri) {
  const binary = atob(uri.slice(uri.indexOf(',') + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}
