import { getPlatformProxy } from 'wrangler';
import type { BucketLike } from './object-store.ts';

/** Where wrangler keeps local state by default; `wrangler dev --persist-to DIR` uses DIR/v3. */
export const DEFAULT_STATE_DIR = '.wrangler/state';

/**
 * The local R2 bucket `wrangler dev` serves, opened through wrangler's platform proxy (Miniflare),
 * offline and without a login. Close it before `wrangler dev` starts on the same state.
 */
export async function openLocalBucket(stateDir = DEFAULT_STATE_DIR): Promise<{ bucket: BucketLike; close(): Promise<void> }> {
  const proxy = await getPlatformProxy<{ MODELS: BucketLike }>({
    configPath: 'wrangler.toml',
    persist: { path: `${stateDir}/v3` },
    remoteBindings: false,
  });
  return { bucket: proxy.env.MODELS, close: () => proxy.dispose() };
}
