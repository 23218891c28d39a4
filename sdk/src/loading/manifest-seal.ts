import type { Manifest } from '../artifacts/manifest.ts';
import { sha256Hex } from './bytes.ts';

/**
 * A cached manifest steers offline loads (labels, file hashes), so stores keep the sha256 of its
 * JSON text in a record of its own and read the manifest back only while the two agree: an
 * edited or damaged copy reads as absent, a cache miss, never as a model.
 */

/** The text a store keeps and seals: JSON.stringify is stable across a parse and re-stringify. */
export function manifestText(manifest: Manifest): string {
  return JSON.stringify(manifest);
}

export function manifestDigest(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}

/** True when `digest` is the seal of `text`. */
export async function isSealed(text: string, digest: string | undefined): Promise<boolean> {
  return digest !== undefined && (await manifestDigest(text)) === digest.trim();
}
