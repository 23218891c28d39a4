import { loadClassifier, type Classifier } from 'edgetune';
import { ROLLOUT_GLOBAL, type LoadedInPage, type RolloutAnswer, type RolloutStep } from './rollout-protocol.ts';

/*
 * The rollout steps a device goes through, driven one by one from the test: loads that use the
 * Cache API (so a new version replaces cached files), update checks, heads in IndexedDB.
 */
const classifiers = new Map<number, Classifier>();
let lastId = 0;

/** The model file hashes in the SDK's Cache API cache. */
async function cachedFiles(): Promise<string[]> {
  const cache = await caches.open('edgetune-v1');
  const prefix = 'https://cache.edgetune.invalid/sha256/';
  return (await cache.keys()).map((request) => request.url).filter((url) => url.startsWith(prefix)).map((url) => url.slice(prefix.length));
}

async function run(step: RolloutStep): Promise<unknown> {
  const clf = 'id' in step ? classifiers.get(step.id)! : undefined;
  switch (step.op) {
    case 'load': {
      const loaded = await loadClassifier(step.url, { backend: 'wasm', threads: 1, ...(step.version ? { version: step.version } : {}) });
      classifiers.set(++lastId, loaded);
      const result: LoadedInPage = {
        id: lastId,
        version: loaded.version,
        loadedFrom: loaded.loadedFrom,
        withdrawnVersion: loaded.withdrawnVersion,
        headSha256: loaded.manifest.files['head.safetensors'].sha256,
      };
      return result;
    }
    case 'check':
      return clf!.checkForUpdate();
    case 'personalize-and-save': {
      const samples = step.images.map((image, i) => ({ input: Float32Array.from(image, (v) => v / 255), label: step.labels[i]! }));
      const report = await clf!.personalize(samples, { steps: 20 });
      return { report, saved: await clf!.saveHead(step.key, { keepSamples: true }) };
    }
    case 'load-head':
      return clf!.loadHead(step.key, { repersonalize: step.repersonalize === true });
    case 'repersonalize':
      return clf!.repersonalize(step.key);
    case 'list-heads':
      return clf!.listHeads();
    case 'cached-files':
      return cachedFiles();
    case 'dispose':
      await clf!.dispose();
      classifiers.delete(step.id);
      return undefined;
  }
}

async function answer(step: RolloutStep): Promise<RolloutAnswer> {
  try {
    return { ok: true, value: (await run(step)) ?? null };
  } catch (error) {
    return { ok: false, code: String((error as { code?: unknown }).code), message: String((error as Error).message) };
  }
}

Object.assign(globalThis, { [ROLLOUT_GLOBAL]: answer });
