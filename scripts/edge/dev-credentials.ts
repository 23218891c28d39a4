import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createApp, isActiveKey } from './app-keys.ts';
import type { DatabaseTarget } from './samples-db.ts';

/** Where `npm start` keeps the local development key: inside wrangler's state, never committed. */
const DEV_KEY_FILE = 'edgetune-dev-app-key';

/**
 * The local development app key: the one kept in the state directory while it is still active,
 * else a new app's key (a stored hash cannot give the key back, so the plaintext is kept here).
 */
export async function localDevelopmentKey(stateDir: string): Promise<{ key: string; created: boolean }> {
  const target: DatabaseTarget = { remote: false, stateDir };
  const file = join(stateDir, DEV_KEY_FILE);
  const kept = await readFile(file, 'utf8').then((text) => text.trim(), () => undefined);
  if (kept !== undefined && (await isActiveKey(target, kept))) return { key: kept, created: false };
  const { key } = await createApp(target, 'local development');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, created: true };
}

/** `.dev.vars` (gitignored) with an ADMIN_KEY for `wrangler dev`, written once if absent. */
export async function ensureLocalAdminKey(devVarsPath = '.dev.vars'): Promise<{ created: boolean }> {
  const existing = await readFile(devVarsPath, 'utf8').catch(() => undefined);
  if (existing !== undefined && /^ADMIN_KEY=/m.test(existing)) return { created: false };
  const line = `ADMIN_KEY=${randomBytes(32).toString('base64url')}\n`;
  await writeFile(devVarsPath, existing === undefined ? line : `${existing.replace(/\n?$/, '\n')}${line}`, { mode: 0o600 });
  return { created: true };
}
