import { applyD1Migrations } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { sha256Hex } from '../../sdk/src/loading/bytes.ts';
import type { SampleWire, SamplesResponse } from '../../sdk/src/samples/sample-wire.ts';
import { publishCommittedModels } from './edge-fixtures.ts';

export const ADMIN_KEY = 'test-admin-key';
export const EDGE = 'http://edge.test';

/** The schema from workers/migrations and the committed models in R2: what `npm start` sets up. */
export async function setUpSampleStore(): Promise<void> {
  await applyD1Migrations(env.SAMPLES, env.TEST_MIGRATIONS);
  await publishCommittedModels();
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A new app with a random key, stored the way `npm run keys -- create` stores it (hash only). */
export async function createApp(name = 'test app'): Promise<{ id: string; key: string }> {
  const key = `et_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const id = `app_${crypto.randomUUID()}`;
  await env.SAMPLES.prepare('INSERT INTO apps (id, name, key_hash, created_at) VALUES (?, ?, ?, ?)')
    .bind(id, name, await sha256Hex(new TextEncoder().encode(key)), Date.now())
    .run();
  return { id, key };
}

export async function revokeApp(id: string): Promise<void> {
  await env.SAMPLES.prepare('UPDATE apps SET revoked_at = ? WHERE id = ?').bind(Date.now(), id).run();
}

let seed = 1;
/** A valid sample for mnist-cnn with distinct pixels per call. */
export function sample(overrides: Partial<Record<keyof SampleWire, unknown>> = {}): Record<string, unknown> {
  const pixels = new Uint8Array(784);
  const n = seed++;
  for (let i = 0; i < 784; i++) pixels[i] = (i * 31 + n * 17) & 255;
  return { id: crypto.randomUUID(), model: 'mnist-cnn', label: String(n % 10), pixels: base64(pixels), ...overrides };
}

export function request(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key !== undefined) headers.set('Authorization', `Bearer ${init.key}`);
  return exports.default.fetch(`${EDGE}${path}`, { ...init, headers });
}

export async function postSamples(key: string, samples: unknown[]): Promise<{ status: number; body: SamplesResponse & { error?: { code: string } } }> {
  const response = await request('/v1/samples', { method: 'POST', key, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ samples }) });
  return { status: response.status, body: (await response.json()) as SamplesResponse & { error?: { code: string } } };
}

export async function storedIds(appId: string): Promise<string[]> {
  const { results } = await env.SAMPLES.prepare('SELECT id FROM samples WHERE app_id = ? ORDER BY id').bind(appId).all<{ id: string }>();
  return results.map((row) => row.id);
}
