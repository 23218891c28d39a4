/// <reference lib="webworker" />
import type { InferenceSession } from 'onnxruntime-web';

/*
 * ONNX Runtime Web in a worker with nothing else: no Comlink, no queue, no input checks. It
 * splits the SDK's overhead into what running off the main thread costs anyway and what the
 * SDK's own layers add.
 */

export interface BareOrtSetup {
  readonly modelUrl: string;
  readonly threads: number;
  readonly inputName: string;
  readonly probsName: string;
}

let setup: BareOrtSetup | undefined;
let session: InferenceSession | undefined;
let ort: typeof import('onnxruntime-web/wasm') | undefined;

async function start(request: BareOrtSetup): Promise<void> {
  ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = request.threads;
  ort.env.logLevel = 'error';
  const bytes = new Uint8Array(await (await fetch(request.modelUrl)).arrayBuffer());
  session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  setup = request;
}

/** The reply to one image: its probabilities and how long session.run took inside this worker. */
export interface BareOrtReply {
  readonly probs: Float32Array;
  readonly runMs: number;
}

async function classify(pixels: Float32Array): Promise<BareOrtReply> {
  const start = performance.now();
  const outputs = await session!.run({ [setup!.inputName]: new ort!.Tensor('float32', pixels, [1, 1, 28, 28]) }, [setup!.probsName]);
  const runMs = performance.now() - start;
  return { probs: (outputs[setup!.probsName]!.data as Float32Array).slice(), runMs };
}

self.addEventListener('message', (event: MessageEvent<BareOrtSetup | Float32Array>) => {
  const message = event.data;
  if (message instanceof Float32Array) {
    void classify(message).then((reply) => self.postMessage(reply, [reply.probs.buffer]));
  } else {
    void start(message).then(
      () => self.postMessage('ready'),
      (error: unknown) => self.postMessage(`failed: ${String(error)}`),
    );
  }
});
