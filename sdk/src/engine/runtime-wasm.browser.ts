import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { ArtifactStore } from '../loading/artifact-store.ts';
import { openCacheApiStore } from '../loading/cache-api-store.browser.ts';
import { FailSafeStore } from '../loading/fail-safe-store.ts';
import { fetchFile } from '../loading/fetch-file.ts';
import { ownedBytes } from '../loading/bytes.ts';
import { describeCause } from '../loading/load-errors.ts';
import { settledLater } from '../loading/settled-later.ts';
import { findMismatch } from '../loading/verify-file.ts';
import { pinnedRuntimeHashes, type PinnedFile } from './ort-web-files.browser.ts';
import type { RuntimeBytesListener } from './runtime-progress.ts';
import { DEFAULTS } from '../defaults.ts';

/** Apart from the models' cache, so that a new SDK release can drop the old runtime wholesale. */
export const RUNTIME_CACHE_NAME = DEFAULTS.browserRuntimeCacheName;

export interface RuntimeWasm {
  /**
   * What ORT is given as the wasm's bytes (`env.wasm.wasmBinary`) while they may still be
   * downloading: a stand-in its instantiate call is recognised by (compiled-wasm-handoff.browser.ts).
   */
  readonly standIn: ArrayBuffer;
  /**
   * The module compiled from the bytes, handed out only once they are verified: nothing can
   * instantiate a module whose bytes failed their check.
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
 * ONNX Runtime's wasm, checked against the sha256 and size pinned at build time: from the runtime
 * cache when it holds an intact copy (so a cached model also starts offline), else downloaded with
 * progress, compiled and verified side by side, then cached. Returns at once; `verified` says when
 * the bytes are complete and correct.
 *
 * The download is read straight into one buffer and compiled once complete. Measured in a Chromium
 * worker on the 14 MB wasm: 416 ms, against 452 ms for ORT's own streaming compile and 599 ms for
 * teeing the stream between a streaming compile and the copy kept for hashing and caching.
 */
export async function openRuntimeWasm(pinned: PinnedFile, url: URL, cache: boolean, onBytes: RuntimeBytesListener): Promise<RuntimeWasm> {
  const warn = (warning: EdgetuneError) => console.warn(`[edgetune] ${warning.message}`);
  const opened = cache ? await openCacheApiStore({ cacheName: RUNTIME_CACHE_NAME, onWarning: warn }) : null;
  const store = opened ? new FailSafeStore(opened, warn) : null;
  const standIn = new ArrayBuffer(8);

  const cached = await store?.getFile(pinned.sha256);
  if (cached) {
    const bytes = ownedBytes(cached);
    const compiled = settledLater(WebAssembly.compile(bytes));
    if (!(await findMismatch(bytes, pinned))) {
      onBytes({ file: pinned.file, fileLoaded: bytes.byteLength, fileTotal: pinned.bytes, fromCache: true });
      return { standIn, verifiedModule: compiled, verified: Promise.resolve(), store: () => Promise.resolve() };
    }
    // A damaged copy is replaced by the download below.
  }

  // The watchdog (inside fetchFile) aborts a download whose body stalls.
  const downloaded = settledLater(
    fetchFile({
      url: url.href,
      fileName: pinned.file,
      expected: pinned,
      into: new Uint8Array(pinned.bytes),
      // The pin covers exactly that many bytes: compiling starts with the last of them, not with
      // the end of the body (signalled 100-200 ms later); anything after them is never used.
      stopAtExpectedSize: true,
      fetch: (input, init) => fetch(input, init),
      onBytes: (fileLoaded) => onBytes({ file: pinned.file, fileLoaded, fileTotal: pinned.bytes, fromCache: false }),
    }).catch((cause: unknown) => {
      throw runtimeFetchError(pinned, url, cause);
    }),
  );
  // Compiling needs no trust in the bytes (it runs nothing); instantiating waits for `verified`.
  // Started first: once its synchronous part has copied the bytes, V8 compiles on background
  // threads while the hash (synchronous in Chromium's Web Crypto) runs here. Hashing as the bytes
  // arrived instead held this thread 50-70 ms during the download and slowed it.
  const compiled = settledLater(downloaded.then((bytes) => WebAssembly.compile(bytes)));
  const verified = settledLater(
    downloaded.then(async (bytes) => {
      const actual = await findMismatch(bytes, pinned);
      if (actual) throw mismatchError(pinned, url, `${actual.sha256}, ${actual.bytes} bytes`);
    }),
  );
  return {
    standIn,
    verifiedModule: settledLater(verified.then(() => compiled)),
    verified,
    store: () => (store ? verified.then(async () => storeAndPrune(store, pinned, await downloaded)) : Promise.resolve()),
  };
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
