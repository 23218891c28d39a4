import { connectEdge, loadClassifier } from 'edgetune';
import './rollout.ts';
import { CROSS_ORIGIN_GLOBAL, type CrossOriginRequest, type CrossOriginResult } from './protocol.ts';

/*
 * An app on its own origin, crossOriginIsolated (COOP/COEP), that takes its model from an edge
 * on another origin: the SDK loads the manifest through the edge's "latest" redirect and checks
 * every file's sha256, and the edge client classifies over HTTP from the page.
 */
async function check(request: CrossOriginRequest): Promise<CrossOriginResult> {
  const pixels = Float32Array.from(request.image, (value) => value / 255);
  const classifier = await loadClassifier(`${request.edge}/v1/models/${request.model}/manifest.json`, { backend: 'wasm', threads: 1, cache: false });
  try {
    const prediction = await classifier.classify(pixels);
    const edge = await connectEdge(request.edge, request.model);
    const remote = await edge.classify(pixels);
    // Without CORS, a no-cors load under COEP needs Cross-Origin-Resource-Policy from the edge.
    const fileUrl = `${request.edge}/v1/models/${request.model}/${classifier.version}/model.onnx`;
    const noCorsFetch = await fetch(fileUrl, { mode: 'no-cors' }).then(
      () => 'ok',
      (error: unknown) => String(error),
    );
    return {
      crossOriginIsolated,
      version: classifier.version,
      loadedFrom: classifier.loadedFrom,
      index: prediction.index,
      edgeIndex: remote.index,
      edgeVersion: edge.version,
      noCorsFetch,
    };
  } finally {
    await classifier.dispose();
  }
}

Object.assign(globalThis, { [CROSS_ORIGIN_GLOBAL]: check });
