import type { FileDigest } from '../artifacts/manifest.ts';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { sha256Hex } from './bytes.ts';

/** The actual digest when the bytes differ from the manifest's, undefined when they match. */
export async function findMismatch(bytes: Uint8Array, expected: FileDigest): Promise<FileDigest | undefined> {
  const actual = { sha256: await sha256Hex(bytes), bytes: bytes.byteLength };
  return actual.sha256 === expected.sha256 && actual.bytes === expected.bytes ? undefined : actual;
}

/** Throws E_INTEGRITY unless the bytes have the manifest's size and sha256. */
export async function verifyFile(fileName: string, bytes: Uint8Array, expected: FileDigest, origin: string): Promise<void> {
  const actual = await findMismatch(bytes, expected);
  if (actual) throw integrityError(fileName, origin, expected, `sha256 ${actual.sha256} (${actual.bytes} bytes)`);
}

export function integrityError(fileName: string, origin: string, expected: FileDigest, actual: string): EdgetuneError {
  return new EdgetuneError(
    ErrorCodes.INTEGRITY,
    `Integrity check failed for "${fileName}" from ${origin}: the manifest expects sha256 ${expected.sha256} ` +
      `(${expected.bytes} bytes) but got ${actual}. The file was corrupted or cut short in transit, or changed after ` +
      'its manifest was written: retry the load, and if it keeps failing re-publish the model so manifest.json matches its files.',
  );
}
