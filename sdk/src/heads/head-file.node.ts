import { sha256Hex } from '../loading/bytes.ts';
import { validateHeadRecord, type HeadRecord } from './head-record.ts';

/**
 * Layout of a head file, self-describing so a file means the same thing wherever it is copied:
 *
 *   edgetune-head-file 1\n
 *   {"key":"alice","model":"mnist-mlp","version":"1.0.0","savedAt":"...","byteLength":5160,"sha256":"..."}\n
 *   <byteLength bytes: the record's safetensors bytes, unchanged>
 *
 * The header is one line (JSON escapes newlines), so `head -n 2 x.head` shows what a file holds.
 * The sha256 catches damage the atomic rename cannot prevent (bit rot, copies cut short).
 *
 * A head saved with its samples is `edgetune-head-file 2`: the header also holds
 * `"kept":{"labels":[...],"settings":{...},"byteLength":N,"sha256":"..."}` and the N pixel bytes
 * follow the head bytes. Heads without samples keep the layout above, byte for byte.
 */

const MAGIC = new TextEncoder().encode('edgetune-head-file 1\n');
const MAGIC_WITH_SAMPLES = new TextEncoder().encode('edgetune-head-file 2\n');
const NEWLINE = 0x0a;
// A real header is a few hundred bytes; beyond this the file is not a head.
const MAX_HEADER_BYTES = 64 * 1024;

/** Why a file is not a readable head; the store wraps it into E_HEAD_INVALID with the path. */
export class HeadFileError extends Error {
  override name = 'HeadFileError';
}

export async function encodeHeadFile(record: HeadRecord): Promise<Uint8Array> {
  const { bytes, kept, ...fields } = record;
  const keptHeader = kept && { labels: kept.labels, settings: kept.settings, byteLength: kept.pixels.byteLength, sha256: await sha256Hex(kept.pixels) };
  const header = { ...fields, byteLength: bytes.byteLength, sha256: await sha256Hex(bytes), ...(keptHeader ? { kept: keptHeader } : {}) };
  const magic = kept ? MAGIC_WITH_SAMPLES : MAGIC;
  const headerLine = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  const out = new Uint8Array(magic.length + headerLine.length + bytes.length + (kept?.pixels.length ?? 0));
  out.set(magic, 0);
  out.set(headerLine, magic.length);
  out.set(bytes, magic.length + headerLine.length);
  if (kept) out.set(kept.pixels, magic.length + headerLine.length + bytes.length);
  return out;
}

export async function decodeHeadFile(file: Uint8Array): Promise<HeadRecord> {
  const startsWith = (magic: Uint8Array) => file.length >= magic.length && magic.every((byte, i) => file[i] === byte);
  const withSamples = startsWith(MAGIC_WITH_SAMPLES);
  if (!withSamples && !startsWith(MAGIC)) throw new HeadFileError('it does not start with "edgetune-head-file 1" (or 2)');
  const searchEnd = Math.min(file.length, MAGIC.length + MAX_HEADER_BYTES);
  const newline = file.subarray(MAGIC.length, searchEnd).indexOf(NEWLINE);
  if (newline < 0) throw new HeadFileError('its header line is unterminated');
  const headerEnd = MAGIC.length + newline;

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(MAGIC.length, headerEnd)));
  } catch {
    throw new HeadFileError('its header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new HeadFileError('its header is not a JSON object');
  const { byteLength, sha256, kept: keptHeader, ...fields } = header as Record<string, unknown>;
  if (withSamples !== (keptHeader !== undefined)) throw new HeadFileError(withSamples ? 'its header lacks "kept"' : 'its header has "kept", which format 1 does not');
  const kept = (keptHeader ?? {}) as { labels?: unknown; settings?: unknown; byteLength?: unknown; sha256?: unknown };
  const keptLength = withSamples ? kept.byteLength : 0;
  if (typeof keptLength !== 'number' || !Number.isSafeInteger(keptLength) || keptLength < 0) throw new HeadFileError('its kept.byteLength is not a byte count');

  // Plain copies: the result must not keep the whole file buffer alive or share it.
  const payload = file.subarray(headerEnd + 1);
  const bytes = new Uint8Array(payload.subarray(0, Math.max(0, payload.length - keptLength)));
  const pixels = new Uint8Array(payload.subarray(bytes.length));
  if (byteLength !== bytes.length || pixels.length !== keptLength) {
    const said = withSamples ? `${String(byteLength)} + ${keptLength} kept` : String(byteLength);
    throw new HeadFileError(`it holds ${payload.length} head bytes, its header says ${said}`);
  }
  if (sha256 !== (await sha256Hex(bytes))) throw new HeadFileError('its head bytes do not match their sha256');
  if (withSamples && kept.sha256 !== (await sha256Hex(pixels))) throw new HeadFileError('its kept samples do not match their sha256');
  try {
    return validateHeadRecord({ ...fields, bytes, ...(withSamples ? { kept: { pixels, labels: kept.labels, settings: kept.settings } } : {}) }, 'header');
  } catch (error) {
    throw new HeadFileError((error as Error).message);
  }
}
