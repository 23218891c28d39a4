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
 */

const MAGIC = new TextEncoder().encode('edgetune-head-file 1\n');
const NEWLINE = 0x0a;
// A real header is a few hundred bytes; beyond this the file is not a head.
const MAX_HEADER_BYTES = 64 * 1024;

/** Why a file is not a readable head; the store wraps it into E_HEAD_INVALID with the path. */
export class HeadFileError extends Error {
  override name = 'HeadFileError';
}

export async function encodeHeadFile(record: HeadRecord): Promise<Uint8Array> {
  const { bytes, ...fields } = record;
  const header = { ...fields, byteLength: bytes.byteLength, sha256: await sha256Hex(bytes) };
  const headerLine = new TextEncoder().encode(`${JSON.stringify(header)}\n`);
  const out = new Uint8Array(MAGIC.length + headerLine.length + bytes.length);
  out.set(MAGIC, 0);
  out.set(headerLine, MAGIC.length);
  out.set(bytes, MAGIC.length + headerLine.length);
  return out;
}

export async function decodeHeadFile(file: Uint8Array): Promise<HeadRecord> {
  if (file.length < MAGIC.length || !MAGIC.every((byte, i) => file[i] === byte)) {
    throw new HeadFileError('it does not start with "edgetune-head-file 1"');
  }
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
  const { byteLength, sha256, ...fields } = header as Record<string, unknown>;

  // A plain copy: the result must not keep the whole file buffer alive or share it.
  const bytes = new Uint8Array(file.subarray(headerEnd + 1));
  if (byteLength !== bytes.length) throw new HeadFileError(`it holds ${bytes.length} head bytes, its header says ${String(byteLength)}`);
  if (sha256 !== (await sha256Hex(bytes))) throw new HeadFileError('its head bytes do not match their sha256');
  try {
    return validateHeadRecord({ ...fields, bytes }, 'header');
  } catch (error) {
    throw new HeadFileError((error as Error).message);
  }
}
