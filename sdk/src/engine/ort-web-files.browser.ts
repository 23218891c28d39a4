import type { FileDigest } from '../artifacts/manifest.ts';

/*
 * Where ONNX Runtime Web's own files are, for the build picked in runtime.browser.ts.
 *
 * ORT's `.bundle` builds embed emscripten's glue, and the glue starts its pthread workers from
 * `new URL(import.meta.url)`: the file the glue sits in. Once an app's bundler inlines ORT into the
 * SDK's worker chunk (Vite's default iife worker format does), that file is the SDK's worker, which
 * never runs the pthread entry, so the threads never report in and ORT's start-up waits forever.
 * Handing ORT the standalone glue (`env.wasm.wasmPaths.mjs`) makes its threads start from the glue
 * file itself, wherever the bundler put it.
 *
 * The URLs are written as `new URL('<package file>', import.meta.url)` literals: the form Vite and
 * webpack rewrite to the emitted asset's URL. They must stay literal for that to happen.
 */

export interface PinnedFile extends FileDigest {
  readonly file: string;
}

/** Written by scripts/build-sdk.ts from the onnxruntime-web the package was built with. */
export interface OrtWebPins {
  readonly version: string;
  readonly wasm: PinnedFile;
  readonly webgpu: PinnedFile;
}

declare const EDGETUNE_ORT_WEB_PINS: OrtWebPins | undefined;

export interface OrtWebFiles {
  /** The emscripten glue (an ES module) that ORT imports and starts its threads from. */
  readonly glueUrl: URL;
  readonly wasmUrl: URL;
  /** The onnxruntime-web version the pins were taken from; undefined when run from source. */
  readonly version: string | undefined;
  /** The wasm's sha256 and size; undefined when run from source (no build step pinned them). */
  readonly wasm: PinnedFile | undefined;
}

export function ortWebFiles(backend: 'wasm' | 'webgpu'): OrtWebFiles {
  const pins = typeof EDGETUNE_ORT_WEB_PINS === 'undefined' ? undefined : EDGETUNE_ORT_WEB_PINS;
  if (backend === 'webgpu') {
    return {
      glueUrl: new URL('onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url),
      wasmUrl: new URL('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url),
      version: pins?.version,
      wasm: pins?.webgpu,
    };
  }
  return {
    glueUrl: new URL('onnxruntime-web/ort-wasm-simd-threaded.mjs', import.meta.url),
    wasmUrl: new URL('onnxruntime-web/ort-wasm-simd-threaded.wasm', import.meta.url),
    version: pins?.version,
    wasm: pins?.wasm,
  };
}

/** Every pinned runtime file hash: what the runtime cache keeps. */
export function pinnedRuntimeHashes(): string[] {
  const pins = typeof EDGETUNE_ORT_WEB_PINS === 'undefined' ? undefined : EDGETUNE_ORT_WEB_PINS;
  return pins ? [pins.wasm.sha256, pins.webgpu.sha256] : [];
}
