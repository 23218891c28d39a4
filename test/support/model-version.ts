import { join } from 'node:path';
import { sha256Hex } from '../../sdk/src/loading/bytes.ts';
import type { Checkpoint } from '../../scripts/publish/publish-model.ts';
import { readCheckpoint } from '../../scripts/publish/read-checkpoint.ts';

/**
 * A committed checkpoint as a new version, the way a retrain would publish one: the same
 * backbone, head.safetensors nudged (the lowest mantissa bit of its last weight flipped, so it
 * stays finite and predicts alike) with its sha256 and size fixed in the manifest.
 */
export async function newVersionOf(name: string, version: string, modelsDir = 'models'): Promise<{ checkpoint: Checkpoint; headSha256: string }> {
  const source = await readCheckpoint(join(modelsDir, name));
  const head = source.files.get('head.safetensors')!.slice();
  head[head.length - 4]! ^= 1;
  const headSha256 = await sha256Hex(head);
  const manifest = JSON.parse(new TextDecoder().decode(source.manifestBytes)) as { version: string; files: Record<string, { sha256: string; bytes: number }> };
  manifest.version = version;
  manifest.files['head.safetensors'] = { sha256: headSha256, bytes: head.byteLength };
  const files = new Map(source.files);
  files.set('head.safetensors', head);
  return { checkpoint: { manifestBytes: new TextEncoder().encode(JSON.stringify(manifest, null, 2)), files }, headSha256 };
}
