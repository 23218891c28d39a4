/**
 * Hands ONNX Runtime a wasm module compiled while it downloaded.
 *
 * Given `env.wasm.wasmBinary`, ORT's emscripten glue compiles only once every byte is in, with
 * `WebAssembly.instantiate(new Uint8Array(wasmBinary), imports)`; left to fetch the wasm itself it
 * compiles while downloading, but then nothing can verify or cache the bytes. ORT 1.30 offers no
 * hook to pass a compiled module, so while ORT starts, `WebAssembly.instantiate` in this worker
 * (the SDK's own realm, where no other code runs) answers that one call, recognised by its buffer,
 * with the module compiled from the same bytes. `module` settles only once those bytes matched
 * their pinned hash (runtime-wasm.browser.ts), so the instance is never made from unverified code.
 *
 * Returns the function that puts the original back.
 */
export function handOverCompiledWasm(buffer: ArrayBuffer, module: Promise<WebAssembly.Module>): () => void {
  const original = WebAssembly.instantiate;
  const handOver = (source: unknown, imports?: WebAssembly.Imports): Promise<unknown> => {
    const ours = source === buffer || (ArrayBuffer.isView(source) && source.buffer === buffer);
    if (!ours) return (original as (source: unknown, imports?: WebAssembly.Imports) => Promise<unknown>).call(WebAssembly, source, imports);
    return module.then(async (verified) => ({ module: verified, instance: await original.call(WebAssembly, verified, imports) }));
  };
  WebAssembly.instantiate = handOver as typeof WebAssembly.instantiate;
  return () => {
    if (WebAssembly.instantiate === (handOver as typeof WebAssembly.instantiate)) WebAssembly.instantiate = original;
  };
}
