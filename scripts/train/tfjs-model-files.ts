import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * Plain TensorFlow.js has no file:// handler in Node, so the layers model is written and read
 * here in its standard format: model.json (topology + weights manifest) beside weights.bin.
 */

/** The layers model as its two files, `model.json` and `weights.bin`, in memory. */
export async function serializeLayersModel(model: tf.LayersModel): Promise<Map<string, Uint8Array | string>> {
  const files = new Map<string, Uint8Array | string>();
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.concatenateArrayBuffers(
        artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
      );
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      files.set('model.json', `${JSON.stringify(modelJson)}\n`);
      files.set('weights.bin', new Uint8Array(weightData));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return files;
}

export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const buffers = await Promise.all(
    modelJson.weightsManifest.flatMap((group) => group.paths.map((path) => readFile(join(dir, path)))),
  );
  const weightData = tf.io.concatenateArrayBuffers(
    buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
  );
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
}
