import { sha256Hex } from '../../../sdk/src/loading/bytes.ts';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import type { Env } from '../env.ts';
import { ApiError } from '../http/api-error.ts';

/** App keys as `npm run keys -- create` makes them: `et_` + 32 random bytes in base64url. */
const APP_KEY = /^et_[A-Za-z0-9_-]{43}$/;
/** Admin keys are whatever the ADMIN_KEY secret holds, within sane bounds. */
const MAX_ADMIN_KEY_LENGTH = 512;

function unauthorized(message: string): ApiError {
  return new ApiError(401, ErrorCodes.UNAUTHORIZED, message);
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 8 + MAX_ADMIN_KEY_LENGTH) return undefined;
  const match = /^Bearer +(\S+) *$/.exec(header);
  return match?.[1];
}

/** The id of the app whose key is in `Authorization: Bearer ...`, or a 401. */
export async function authenticateApp(env: Env, header: string | undefined): Promise<string> {
  const key = bearerToken(header);
  if (key === undefined) throw unauthorized('Send the app key as "Authorization: Bearer et_..." (npm run keys -- create makes one).');
  if (!APP_KEY.test(key)) throw unauthorized('That is not an app key (et_ followed by 43 base64url characters); npm run keys -- list shows the apps.');
  const keyHash = await sha256Hex(new TextEncoder().encode(key));
  const app = await env.SAMPLES.prepare('SELECT id, revoked_at FROM apps WHERE key_hash = ?').bind(keyHash).first<{ id: string; revoked_at: number | null }>();
  if (app === null) throw unauthorized('Unknown app key; npm run keys -- create makes one.');
  if (app.revoked_at !== null) throw unauthorized('This app key was revoked; create a new one with npm run keys -- create.');
  return app.id;
}

/** Passes when `Authorization: Bearer <ADMIN_KEY>`; compared as digests, in constant time. */
export async function authenticateAdmin(env: Env, header: string | undefined): Promise<void> {
  const expected = env.ADMIN_KEY;
  if (expected === undefined || expected.length === 0) {
    throw unauthorized('No admin key is configured: set the ADMIN_KEY secret (wrangler secret put ADMIN_KEY; locally .dev.vars).');
  }
  const key = bearerToken(header);
  if (key === undefined) throw unauthorized('Send the admin key as "Authorization: Bearer <ADMIN_KEY>".');
  const [given, wanted] = await Promise.all([digest(key), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < wanted.length; i++) difference |= given[i]! ^ wanted[i]!;
  if (difference !== 0) throw unauthorized('Wrong admin key.');
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
