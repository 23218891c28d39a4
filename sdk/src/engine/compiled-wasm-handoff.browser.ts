/**
 * Hands ONNX Runtime a wasm module compiled by the SDK from bytes it verified.
 *
 * Given `env.wasm.wasmBinary`, ORT's emscripten glue instantiates with
 * `WebAssembly.instantiate(new Uint8Array(wasmBinary), imports)`; left to fetch the wasm itself,
 * nothing could verify or cache the bytes. ORT 1.30 offers no hook to pass a compiled module, so
 * ORT is given a stand-in buffer (it starts before the download ends), and while it starts,
 * `WebAssembly.instantiate` in this worker (the SDK's own realm, where no other code runs) answers
 * that one call, recognised by the stand-in, with the module compiled from the real bytes.
 * `module` settles only once those bytes matched their pin (runtime-wasm.browser.ts), so the
 * instance is never made from unverified code.
 *
 * Returns the function that puts the original back.
 */
export function handOverCompiledWasm(standIn: ArrayBuffer, module: Promise<WebAssembly.Module>): () => void {
  const original = WebAssembly.instantiate;
  const handOver = (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    const ours = source === standIn || (ArrayBuffer.isView(source) && source.buffer === standIn);
    if (!ours) return (original as (source: unknown, imports?: WebAssembly.Imports) => Promise<unknown>).call(WebAssembly, source, imports);
    return module.then(async (verified) => ({ module: verified, instance: await original.call(WebAssembly, verified, imports) }));
  };
  WebAssembly.instantiate = handOver as typeof WebAssembly.instantiate;
  return () => {
    if (WebAssembly.instantiate === (handOver as typeof WebAssembly.instantiate)) WebAssembly.instantiate = original;
  };
}
