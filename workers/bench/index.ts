import model from '../../models/mnist-cnn/model.onnx';
import { startOrt, type Ort } from '../src/inference/ort-wasm.ts';
import { RunQueue } from '../src/inference/run-queue.ts';

/*
 * The floor for the edge Worker: ONNX Runtime in workerd answering {"inputs": [[784 floats]]}
 * with the first image's probabilities. No router, no validation, no R2: what is left is the cost
 * of workerd, ORT and JSON, so the edge's distance to it is what routing and checks cost.
 */

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

const queue = new RunQueue();
let ready: Promise<{ ort: Ort; session: Session }> | undefined;

async function start(): Promise<{ ort: Ort; session: Session }> {
  const ort = await startOrt();
  const session = await ort.InferenceSession.create(new Uint8Array(model), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { ort, session };
}

export default {
  async fetch(request) {
    // Anything but a POST is the bench's readiness probe.
    if (request.method !== 'POST') return new Response('ok');
    ready ??= start();
    const [{ inputs }, { ort, session }] = await Promise.all([request.json() as Promise<{ inputs: number[][] }>, ready]);
    const tensor = new ort.Tensor('float32', Float32Array.from(inputs[0]!), [1, 1, 28, 28]);
    const probs = await queue.run(async () => (await session.run({ image: tensor }, ['probs']))['probs']!.data as Float32Array);
    return Response.json({ probs: Array.from(probs) });
  },
} satisfies ExportedHandler;
