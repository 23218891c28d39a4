import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import { REPO_ROOT } from '../repo-root.ts';
import type { NodeRunner } from './node-runner.ts';

type NodeSdk = typeof import('../../../sdk/src/index.node.ts');

const NODE_BUILD = resolve(REPO_ROOT, 'dist/node/index.js');

/** The SDK as users get it: the bundled dist/node build, whose worker_thread runs onnxruntime-node. */
async function importNodeBuild(): Promise<NodeSdk> {
  if (!existsSync(NODE_BUILD)) throw new RangeError(`${NODE_BUILD} is missing; run \`npm run build\` first`);
  return (await import(pathToFileURL(NODE_BUILD).href)) as NodeSdk;
}

export async function createSdkNodeRunner(checkpoint: BenchCheckpoint, images: BenchImages, threads: number): Promise<NodeRunner> {
  const { loadClassifier } = await importNodeBuild();
  const classifier = await loadClassifier(checkpoint.directory, { threads });
  const first = images.images[0]!;
  return {
    runtime: `SDK worker_thread, ${classifier.runtime}`,
    classifyBatch: () => classifier.classifyBatch(images.images),
    classifyOne: () => classifier.classify(first),
    topClasses: async () => (await classifier.classifyBatch(images.images)).map((prediction) => prediction.index),
    dispose: () => classifier.dispose(),
  };
}
