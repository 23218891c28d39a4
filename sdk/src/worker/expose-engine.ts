import { expose, transfer, type Endpoint } from 'comlink';
import type { ClassifierEngine } from '../engine/classifier-engine.ts';
import type { EngineApi } from '../engine/engine-protocol.ts';
import { installErrorTransfer } from './error-transfer.ts';

/** Serves an engine over Comlink, transferring result buffers instead of copying them. */
export function exposeEngine(engine: ClassifierEngine, endpoint?: Endpoint): void {
  installErrorTransfer();
  const api: EngineApi = {
    load: (request, onProgress) => engine.load(request, onProgress),
    classify: async (pixels, count) => {
      const probs = await engine.classify(pixels, count);
      return transfer(probs, [probs.buffer]);
    },
    dispose: () => engine.dispose(),
  };
  expose(api, endpoint);
}
