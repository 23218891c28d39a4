import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from '../loading/artifact-store.ts';
import { openCacheApiStore } from '../loading/cache-api-store.browser.ts';
import { FailSafeStore } from '../loading/fail-safe-store.ts';
import { fetchFile } from '../loading/fetch-file.ts';
import { httpGet } from '../loading/http-get.ts';
import { ownedBytes } from '../loading/bytes.ts';
import { describeCause } from '../loading/load-errors.ts';
import { findMismatch } from '../loading/verify-file.ts';
import { pinnedRuntimeHashes, type PinnedFile } from './ort-web-files.browser.ts';
import type { RuntimeBytesListener } from './runtime-progress.ts';
import { DEFAULTS } from '../defaults.ts';

/** Apart from the models' cache, so that a new SDK release can drop the old runtime wholesale. */
export const RUNTIME_CACHE_NAME = DEFAULTS.browserRuntimeCacheName;

export interface RuntimeWasm {
  /**
   * The buffer the wasm's bytes are (being) written into, sized from the pin: ORT can be pointed
   * at it before the download ends (see compiled-wasm-handoff.browser.ts).
   */
  readonly buffer: ArrayBuffer;
  /**
   * The module compiled from those bytes as they arrive, handed out only once the bytes are
   * verified: nothing can instantiate a module whose bytes failed their check.
   */
  readonly verifiedModule: Promise<WebAssembly.Module>;
  /**
   * Settles once every byte is in and has the pinned sha256 and size; rejects with E_INTEGRITY,
   * or E_FETCH_FAILED if the download broke off.
   */
  readonly verified: Promise<void>;
  /**
   * Writes a downloaded copy to the cache once it is verified (nothing when it came from there).
   * Called after the runtime started, so the 14 MB write does not compete with its start-up.
   */
  store(): Promise<void>;
}

/**
 * ONNX Runtime's wasm, checked against the sha256 and size pinned at build time: from the
 * runtime cache when it holds an intact copy (so a cached model also starts offline), else
 * downloaded with progress, compiled as it arrives, verified, then cached. Resolves as soon as
 * the download has started; `verified` says when it is complete and correct.
 */
export async function openRuntimeWasm(pinned: PinnedFile, url: URL, cache: boolean, onBytes: RuntimeBytesListener): Promise<RuntimeWasm> {
  const warn = (warning: EdgetuneError) => console.warn(`[edgetune] ${warning.message}`);
  const opened = cache ? await openCacheApiStore({ cacheName: RUNTIME_CACHE_NAME, onWarning: warn }) : null;
  const store = opened ? new FailSafeStore(opened, warn) : null;

  const cached = await store?.getFile(pinned.sha256);
  if (cached) {
    const compiled = settledLater(WebAssembly.compile(cached));
    if (!(await findMismatch(cached, pinned))) {
      onBytes({ file: pinned.file, fileLoaded: cached.byteLength, fileTotal: pinned.bytes, fromCache: true });
      return { buffer: ownedBytes(cached).buffer, verifiedModule: compiled, verified: Promise.resolve(), store: () => Promise.resolve() };
    }
    // A damaged copy is replaced by the download below.
  }

  let got: Awaited<ReturnType<typeof httpGet>>;
  try {
    got = await httpGet((input, init) => fetch(input, init), url.href, `"${pinned.file}"`);
  } catch (cause) {
    throw runtimeFetchError(pinned, url, cause);
  }
  // The watchdog aborts the real request when its body stalls, which fails both branches of the tee.
  const { response, watchdog } = got;
  const [forCompiler, forBytes] = response.body ? response.body.tee() : [null, null];
  const compiled = settledLater(WebAssembly.compileStreaming(new Response(forCompiler, { headers: { 'content-type': 'application/wasm' } })));
  const into = new Uint8Array(pinned.bytes);
  const verified = settledLater(
    fetchFile({
      url: url.href,
      fileName: pinned.file,
      expected: pinned,
      into,
      // The body already in flight: fetchFile streams it into `into`, reporting bytes as they come.
      fetch: async () => new Response(forBytes),
      onBytes: (fileLoaded) => {
        watchdog.progress();
        onBytes({ file: pinned.file, fileLoaded, fileTotal: pinned.bytes, fromCache: false });
      },
    })
      .finally(() => watchdog.stop())
      .then(
      async (bytes) => {
        const actual = await findMismatch(bytes, pinned);
        if (actual) throw mismatchError(pinned, url, `${actual.sha256}, ${actual.bytes} bytes`);
      },
      (cause: unknown) => {
        throw runtimeFetchError(pinned, url, cause);
      },
    ),
  );
  return {
    buffer: into.buffer,
    verifiedModule: settledLater(verified.then(() => compiled)),
    verified,
    store: () => (store ? verified.then(() => storeAndPrune(store, pinned, into)) : Promise.resolve()),
  };
}

/** Awaited later by the caller; until then a rejection must not count as unhandled. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function mismatchError(pinned: PinnedFile, url: URL, actual: string): EdgetuneError {
  return new EdgetuneError(
    ErrorCodes.INTEGRITY,
    `ONNX Runtime's ${pinned.file} from ${url.href} is not the one this edgetune build runs on (expected sha256 ` +
      `${pinned.sha256}, ${pinned.bytes} bytes; got ${actual}). Install the onnxruntime-web version edgetune depends on, ` +
      'and check that nothing rewrites files under that URL.',
  );
}

/** Keeps only the runtime files this build pins: an SDK upgrade frees the previous 14-27 MB. */
async function storeAndPrune(store: ArtifactStore, pinned: PinnedFile, bytes: Uint8Array): Promise<void> {
  await store.putFile(pinned.sha256, bytes);
  const keep = new Set(pinnedRuntimeHashes());
  for (const sha256 of await store.listFiles()) if (!keep.has(sha256)) await store.deleteFile(sha256);
}

function runtimeFetchError(pinned: PinnedFile, url: URL, cause: unknown): EdgetuneError {
  if ((cause as { code?: unknown }).code === ErrorCodes.INTEGRITY) return mismatchError(pinned, url, `more than ${pinned.bytes} bytes`);
  const status = describeCause(cause);
  return new EdgetuneError(
    ErrorCodes.FETCH_FAILED,
    `Could not download ONNX Runtime's ${pinned.file} from ${url.href} (${status}), and no verified copy is cached yet. ` +
      'Check the network; if the file is missing (HTTP 404), your bundler did not emit onnxruntime-web\'s files: serve ' +
      `node_modules/onnxruntime-web/dist/${pinned.file} and its .mjs glue at that URL.`,
    { cause },
  );
}
