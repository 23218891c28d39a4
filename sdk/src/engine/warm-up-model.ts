/**
 * A one-node ONNX model (Identity on a float[1]): creating a session from it makes ONNX Runtime
 * Web fetch, compile and start its 14 MB wasm (and open the WebGPU device) while the checkpoint
 * is still downloading, instead of after. 98 bytes; `scripts/export/warm-up-model.test.ts`
 * rebuilds it with the exporter's graph builder and runs it.
 */
const WARM_UP_MODEL_BASE64 =
  'CAgSCGVkZ2V0dW5lGgExMgA6SQocCgF4EgF5GgpJZGVudGl0eV8wIghJZGVudGl0eRIHd2FybV91cFoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEBE=';

export function warmUpModel(): Uint8Array {
  return Uint8Array.from(atob(WARM_UP_MODEL_BASE64), (char) => char.charCodeAt(0));
}
