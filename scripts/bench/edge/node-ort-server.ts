import { createServer } from 'node:http';
import * as ort from 'onnxruntime-node';

/*
 * The edge bench's Node contender, run as its own process: a minimal http server answering
 * {"inputs": [[784 floats]]} with the first image's probabilities from onnxruntime-node, on the
 * same model.onnx. One intra-op thread, like ONNX Runtime in workerd. No validation, like the
 * bare Worker. Prints "listening <port>" once it serves.
 *
 *   node --import tsx scripts/bench/edge/node-ort-server.ts <model.onnx>
 */

const modelPath = process.argv[2];
if (!modelPath) throw new Error('usage: node-ort-server.ts <model.onnx>');
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });

const server = createServer((request, response) => {
  if (request.method !== 'POST') {
    response.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void (async () => {
      try {
        const { inputs } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { inputs: number[][] };
        const tensor = new ort.Tensor('float32', Float32Array.from(inputs[0]!), [1, 1, 28, 28]);
        const probs = (await session.run({ image: tensor }, ['probs']))['probs']!.data as Float32Array;
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ probs: Array.from(probs) }));
      } catch (error) {
        response.statusCode = 400;
        response.end(String(error));
      }
    })();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});
// The bench ends this process with SIGTERM.
process.once('SIGTERM', () => server.close(() => process.exit(0)));
