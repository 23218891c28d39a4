/// <reference lib="webworker" />
import type { BareColdStartSetup } from '../page-protocol.ts';

/*
 * The yardstick for the SDK's cold start: ONNX Runtime Web in a worker of the same production
 * build, with ORT's own defaults and nothing else. It fetches model.onnx, creates a session and
 * classifies one image; no manifest, no integrity checks, no cache.
 */

async function coldStart(setup: BareColdStartSetup): Promise<number> {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = setup.threads;
  ort.env.logLevel = 'error';
  const bytes = new Uint8Array(await (await fetch(setup.modelUrl)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const pixels = Float32Array.from(setup.image, (value) => value / 255);
  const outputs = await session.run({ [setup.inputName]: new ort.Tensor('float32', pixels, [1, 1, 28, 28]) }, [setup.probsName]);
  const probs = outputs[setup.probsName]!.data as Float32Array;
  return probs.indexOf(Math.max(...probs));
}

self.addEventListener('message', (event: MessageEvent<BareColdStartSetup>) => {
  coldStart(event.data).then(
    (topClass) => self.postMessage({ topClass }),
    (error: unknown) => self.postMessage({ error: String(error) }),
  );
});
