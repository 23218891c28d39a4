import { expose, transfer, type Endpoint } from 'comlink';
import type { ClassifierEngine } from '../engine/classifier-engine.ts';
import type { EngineApi } from '../engine/engine-protocol.ts';
import { installErrorTransfer } from './error-transfer.ts';
import { reportMessageLoss } from './message-loss.ts';

/** Serves an engine over Comlink, transferring result buffers instead of copying them. */
export function exposeEngine(engine: ClassifierEngine, endpoint?: Endpoint): void {
  installErrorTransfer();
  const api: EngineApi = {
    load: (request, onProgress) => engine.load(request, onProgress),
    checkForUpdate: () => engine.checkForUpdate(),
    startRuntime: (request, onProgress) => engine.startRuntime(request, onProgress),
    classify: async (pixels, count) => {
      const probs = await engine.classify(pixels, count);
      return transfer(probs, [probs.buffer]);
    },
    personalize: async (request, onStep) => {
      const result = await engine.personalize(request, onStep);
      return transfer(result, [result.head.buffer]);
    },
    repersonalize: async (request, onStep) => {
      const result = await engine.repersonalize(request, onStep);
      return transfer(result, [result.head.buffer]);
    },
    cancel: (callId) => engine.cancel(callId),
    resetHead: () => engine.resetHead(),
    exportHead: async () => {
      const bytes = await engine.exportHead();
      return transfer(bytes, [bytes.buffer]);
    },
    importHead: (bytes) => engine.importHead(bytes),
    saveHead: (key, options) => engine.saveHead(key, options),
    loadHead: async (key) => {
      const bytes = await engine.loadHead(key);
      return transfer(bytes, [bytes.buffer]);
    },
    listHeads: () => engine.listHeads(),
    deleteHead: (key) => engine.deleteHead(key),
    dispose: () => engine.dispose(),
  };
  const target = endpoint ?? (globalThis as unknown as Endpoint);
  reportMessageLoss(target);
  expose(api, target);
}
