import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from '../loading/artifact-store.ts';
import { openCacheApiStore } from '../loading/cache-api-store.browser.ts';
import { FailSafeStore } from '../loading/fail-safe-store.ts';
import { fetchFile } from '../loading/fetch-file.ts';
import { describeCause } from '../loading/load-errors.ts';
import { findMismatch } from '../loading/verify-file.ts';
import { pinnedRuntimeHashes, type PinnedFile } from './ort-web-files.browser.ts';
import type { RuntimeBytesListener } from './runtime-progress.ts';

/** Apart from the models' cache, so that a new SDK release can drop the old runtime wholesale. */
export const RUNTIME_CACHE_NAME = 'edgetune-runtime-v1';

export interface RuntimeWasm {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Settles once a downloaded copy is in the cache (at once when it came from there). */
  readonly stored: Promise<void>;
}

/**
 * ONNX Runtime's wasm, verified against the sha256 and size pinned at build time: from the
 * runtime cache when it holds an intact copy (so a cached model also starts offline), else
 * downloaded with progress and then cached.
 */
export async function loadRuntimeWasm(pinned: PinnedFile, url: URL, cache: boolean, onBytes: RuntimeBytesListener): Promise<RuntimeWasm> {
  const warn = (warning: EdgetuneError) => console.warn(`[edgetune] ${warning.message}`);
  const opened = cache ? await openCacheApiStore({ cacheName: RUNTIME_CACHE_NAME, onWarning: warn }) : null;
  const store = opened ? new FailSafeStore(opened, warn) : null;

  const cached = await store?.getFile(pinned.sha256);
  if (cached && !(await findMismatch(cached, pinned))) {
    onBytes({ file: pinned.file, fileLoaded: cached.byteLength, fileTotal: pinned.bytes, fromCache: true });
    return { bytes: cached, stored: Promise.resolve() };
  }
  // A damaged copy is simply replaced below.

  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await fetchFile({
      url: url.href,
      fileName: pinned.file,
      expected: pinned,
      fetch: (input, init) => fetch(input, init),
      onBytes: (fileLoaded) => onBytes({ file: pinned.file, fileLoaded, fileTotal: pinned.bytes, fromCache: false }),
    });
  } catch (cause) {
    throw runtimeFetchError(pinned, url, cause);
  }
  const actual = await findMismatch(bytes, pinned);
  if (actual) {
    throw new EdgetuneError(
      ErrorCodes.INTEGRITY,
      `ONNX Runtime's ${pinned.file} from ${url.href} is not the one this edgetune build runs on (expected sha256 ` +
        `${pinned.sha256}, ${pinned.bytes} bytes; got ${actual.sha256}, ${actual.bytes} bytes). Install the onnxruntime-web ` +
        'version edgetune depends on, and check that nothing rewrites files under that URL.',
    );
  }
  return { bytes, stored: store ? storeAndPrune(store, pinned, bytes) : Promise.resolve() };
}

/** Keeps only the runtime files this build pins: an SDK upgrade frees the previous 14-27 MB. */
async function storeAndPrune(store: ArtifactStore, pinned: PinnedFile, bytes: Uint8Array): Promise<void> {
  await store.putFile(pinned.sha256, bytes);
  const keep = new Set(pinnedRuntimeHashes());
  for (const sha256 of await store.listFiles()) if (!keep.has(sha256)) await store.deleteFile(sha256);
}

function runtimeFetchError(pinned: PinnedFile, url: URL, cause: unknown): EdgetuneError {
  const code = (cause as { code?: unknown }).code;
  if (code === ErrorCodes.INTEGRITY) {
    return new EdgetuneError(
      ErrorCodes.INTEGRITY,
      `ONNX Runtime's ${pinned.file} from ${url.href} is larger than the ${pinned.bytes} bytes this edgetune build expects. ` +
        'Install the onnxruntime-web version edgetune depends on.',
      { cause },
    );
  }
  const status = describeCause(cause);
  return new EdgetuneError(
    ErrorCodes.FETCH_FAILED,
    `Could not download ONNX Runtime's ${pinned.file} from ${url.href} (${status}), and no verified copy is cached yet. ` +
      'Check the network; if the file is missing (HTTP 404), your bundler did not emit onnxruntime-web\'s files: serve ' +
      `node_modules/onnxruntime-web/dist/${pinned.file} and its .mjs glue at that URL.`,
    { cause },
  );
}
