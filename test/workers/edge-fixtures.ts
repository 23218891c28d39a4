import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { r2ObjectStore } from '../../scripts/publish/object-store.ts';
import { publishModel, type Checkpoint } from '../../scripts/publish/publish-model.ts';
import type { EdgeFixtures } from './provided.ts';

export const fixtures = (): EdgeFixtures => inject('edgeFixtures');

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** A committed checkpoint as publishModel takes it, optionally with its manifest edited (e.g. another version). */
export function checkpoint(name: string, edit?: (manifest: Record<string, unknown>) => void): Checkpoint {
  const source = fixtures().checkpoints.find((candidate) => candidate.name === name);
  if (!source) throw new Error(`no committed checkpoint ${name}`);
  const manifest = JSON.parse(source.manifest) as Record<string, unknown>;
  edit?.(manifest);
  const manifestBytes = edit ? new TextEncoder().encode(JSON.stringify(manifest, null, 2)) : new TextEncoder().encode(source.manifest);
  return { manifestBytes, files: new Map(Object.entries(source.files).map(([file, bytes]) => [file, fromBase64(bytes)])) };
}

/** Publishes every committed checkpoint into the test's R2 binding, as `npm run publish` would. */
export async function publishCommittedModels(): Promise<void> {
  for (const { name } of fixtures().checkpoints) await publishModel(r2ObjectStore(env.MODELS), checkpoint(name));
}
