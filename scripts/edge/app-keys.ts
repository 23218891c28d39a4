import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { query, sqlText, type DatabaseTarget } from './samples-db.ts';

export interface AppRow {
  readonly id: string;
  readonly name: string;
  readonly created_at: number;
  readonly revoked_at: number | null;
}

/** `et_` + 32 random bytes in base64url: 256 bits, the format the Worker accepts. */
export function newAppKey(): string {
  return `et_${randomBytes(32).toString('base64url')}`;
}

export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Creates an app and returns its key: the only time the key exists in plaintext. */
export async function createApp(target: DatabaseTarget, name: string): Promise<{ id: string; key: string }> {
  if (!/^[\w .@-]{1,64}$/.test(name)) throw new RangeError(`app name must be 1-64 characters of letters, digits, space, _ . @ -; got "${name.slice(0, 80)}"`);
  const id = `app_${randomUUID()}`;
  const key = newAppKey();
  await query(target, `INSERT INTO apps (id, name, key_hash, created_at) VALUES (${sqlText(id)}, ${sqlText(name)}, ${sqlText(keyHash(key))}, ${Date.now()})`);
  return { id, key };
}

export function listApps(target: DatabaseTarget): Promise<AppRow[]> {
  return query<AppRow>(target, 'SELECT id, name, created_at, revoked_at FROM apps ORDER BY created_at');
}

/** Whether a key belongs to an app that is not revoked. */
export async function isActiveKey(target: DatabaseTarget, key: string): Promise<boolean> {
  const rows = await query<{ id: string }>(target, `SELECT id FROM apps WHERE key_hash = ${sqlText(keyHash(key))} AND revoked_at IS NULL`);
  return rows.length > 0;
}

/** Revokes an app's key; its samples stay. False when no active app has that id. */
export async function revokeApp(target: DatabaseTarget, id: string): Promise<boolean> {
  if (!/^app_[0-9a-f-]{36}$/.test(id)) throw new RangeError(`"${id.slice(0, 80)}" is not an app id (npm run keys -- list shows them)`);
  const rows = await query<{ id: string }>(target, `UPDATE apps SET revoked_at = ${Date.now()} WHERE id = ${sqlText(id)} AND revoked_at IS NULL RETURNING id`);
  return rows.length > 0;
}
