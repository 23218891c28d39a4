/*
 * The one module that starts ONNX Runtime inside workerd. Workers may not compile wasm from bytes,
 * so the wasm arrives as a module compiled at deploy time (wrangler's CompiledWasm rule) and
 * WebAssembly.instantiate is pointed at it while ORT initialises: ORT offers no instantiateWasm hook.
 */
import { warmUpModel } from '../../../sdk/src/engine/warm-up-model.ts';

export type Ort = typeof import('onnxruntime-web/wasm');

let starting: Promise<Ort> | undefined;

/** ORT, started once per isolate (about 1-2 s of CPU, hence wrangler.toml's cpu_ms). */
export function startOrt(): Promise<Ort> {
  starting ??= start().catch((error: unknown) => {
    // A failed start must not poison the isolate: the next request tries again.
    starting = undefined;
    throw error;
  });
  return starting;
}

async function start(): Promise<Ort> {
  // Imported on first use: routes that serve files never pay for ORT's 14 MB module.
  const [ort, { default: ortWasm }] = await Promise.all([
    import('onnxruntime-web/wasm'),
    import('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
  ]);
  ort.env.wasm.numThreads = 1; // no SharedArrayBuffer workers in workerd
  ort.env.wasm.proxy = false;
  // Any binary makes ORT skip fetching the .wasm; the instantiate below ignores these bytes.
  ort.env.wasm.wasmBinary = new Uint8Array(8);
  ort.env.logLevel = 'error';
  const original = WebAssembly.instantiate;
  const patched = async (_source: unknown, imports?: WebAssembly.Imports) => {
    const instance = await original.call(WebAssembly, ortWasm, imports);
    return { instance, module: ortWasm };
  };
  WebAssembly.instantiate = patched as unknown as typeof WebAssembly.instantiate;
  try {
    // The first session runs ORT's initialisation, which is when the wasm gets instantiated.
    const warmUp = await ort.InferenceSession.create(warmUpModel(), { executionProviders: ['wasm'] });
    await warmUp.release();
  } finally {
    WebAssembly.instantiate = original;
  }
  return ort;
}
