/// <reference lib="webworker" />
import type { BareColdStartSetup, BarePhases } from '../page-protocol.ts';

/*
 * The yardstick for the SDK's cold start: ONNX Runtime Web in a worker of the same production
 * build, with ORT's own defaults and nothing else. It fetches model.onnx, creates a session and
 * classifies one image; no manifest, no integrity checks, no cache.
 */

/** Absolute time, comparable with the page's clock (the worker's performance.now() has its own origin). */
const now = () => performance.timeOrigin + performance.now();

/** When ORT's glue has instantiated the wasm it streamed: a timestamp only, the call is ORT's own. */
let wasmInstantiated = Number.NaN;
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async (...args: Parameters<typeof instantiateStreaming>) => {
  const result = await instantiateStreaming.apply(WebAssembly, args);
  wasmInstantiated = now();
  return result;
};

async function coldStart(setup: BareColdStartSetup): Promise<{ topClass: number; marks: BarePhases }> {
  const ort = await import('onnxruntime-web/wasm');
  const ortImported = now();
  ort.env.wasm.numThreads = setup.threads;
  ort.env.logLevel = 'error';
  const bytes = new Uint8Array(await (await fetch(setup.modelUrl)).arrayBuffer());
  const modelFetched = now();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const sessionCreated = now();
  const pixels = Float32Array.from(setup.image, (value) => value / 255);
  const outputs = await session.run({ [setup.inputName]: new ort.Tensor('float32', pixels, [1, 1, 28, 28]) }, [setup.probsName]);
  const probs = outputs[setup.probsName]!.data as Float32Array;
  return { topClass: probs.indexOf(Math.max(...probs)), marks: { ortImported, modelFetched, wasmInstantiated, sessionCreated } };
}

self.addEventListener('message', (event: MessageEvent<BareColdStartSetup>) => {
  coldStart(event.data).then(
    (reply) => self.postMessage(reply),
    (error: unknown) => self.postMessage({ error: String(error) }),
  );
});
