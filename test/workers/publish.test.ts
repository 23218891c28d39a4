import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { r2ObjectStore } from '../../scripts/publish/object-store.ts';
import { publishModel, type PublishStep } from '../../scripts/publish/publish-model.ts';
import { sha256Hex } from '../../sdk/src/loading/bytes.ts';
import { fileKey } from '../../workers/src/store/model-keys.ts';
import { checkpoint } from './edge-fixtures.ts';

const EDGE = 'http://edge.test';
const store = () => r2ObjectStore(env.MODELS);
const withVersion = (name: string, version: string) => checkpoint(name, (manifest) => (manifest['version'] = version));

/** What a reader resolving "latest" sees: the version the redirect names, and whether its manifest and files load. */
async function readLatest(name: string): Promise<{ version: string; complete: boolean }> {
  const redirect = await exports.default.fetch(`${EDGE}/v1/models/${name}/manifest.json`, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const manifestUrl = redirect.headers.get('Location')!;
  const manifest = (await (await exports.default.fetch(manifestUrl)).json()) as { version: string; files: Record<string, unknown> };
  let complete = true;
  for (const file of Object.keys(manifest.files)) {
    const response = await exports.default.fetch(new URL(file, manifestUrl).href);
    await response.arrayBuffer();
    complete &&= response.status === 200;
  }
  return { version: manifest.version, complete };
}

/** One load as an SDK does it: the redirect, the manifest it names, then every file, each checked against that manifest. */
async function loadOnce(name: string): Promise<{ version: string; consistent: boolean }> {
  const redirect = await exports.default.fetch(`${EDGE}/v1/models/${name}/manifest.json`, { redirect: 'manual' });
  const manifestUrl = redirect.headers.get('Location')!;
  const named = /\/(\d+\.\d+\.\d+)\/manifest\.json$/.exec(manifestUrl)?.[1];
  const manifestResponse = await exports.default.fetch(manifestUrl);
  const manifest = (await manifestResponse.json()) as { version: string; files: Record<string, { sha256: string }> };
  let consistent = redirect.status === 302 && manifestResponse.status === 200 && manifest.version === named;
  for (const [file, { sha256 }] of Object.entries(manifest.files)) {
    const response = await exports.default.fetch(new URL(file, manifestUrl).href);
    const bytes = new Uint8Array(await response.arrayBuffer());
    consistent &&= response.status === 200 && (await sha256Hex(bytes)) === sha256;
  }
  return { version: manifest.version, consistent };
}

describe('publishing, as seen by readers', () => {
  it('a reader sees the old version or the new one, complete, at every step of a publish', async () => {
    await publishModel(store(), withVersion('mnist-mlp', '3.0.0'));
    const seen: Array<{ step: PublishStep['kind']; version: string; complete: boolean }> = [];
    await publishModel(store(), withVersion('mnist-mlp', '3.1.0'), {
      onStep: async (step) => {
        seen.push({ step: step.kind, ...(await readLatest('mnist-mlp')) });
      },
    });
    // Four files, the manifest, then the pointer: the new version shows only after the last step.
    expect(seen.map((s) => s.step)).toEqual(['file', 'file', 'file', 'file', 'manifest', 'latest']);
    expect(seen.slice(0, -1).every((s) => s.version === '3.0.0' && s.complete)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ version: '3.1.0', complete: true });
  });

  it('files of a version whose manifest is not written yet are not served', async () => {
    await publishModel(store(), withVersion('mnist-mlp', '4.0.0'), {
      onStep: async (step) => {
        if (step.kind !== 'file') return;
        const response = await exports.default.fetch(`${EDGE}/v1/models/mnist-mlp/4.0.0/model.onnx`);
        expect(response.status).toBe(404);
        await response.arrayBuffer();
      },
    });
    const list = (await (await exports.default.fetch(`${EDGE}/v1/models`)).json()) as { models: Array<{ name: string; versions: Array<{ version: string }> }> };
    expect(list.models.find((m) => m.name === 'mnist-mlp')!.versions.map((v) => v.version)).toEqual(['4.0.0', '3.1.0', '3.0.0']);
  });

  it('re-publishing the same bytes is a no-op; different bytes for a published version are refused', async () => {
    await publishModel(store(), withVersion('mnist-cnn', '5.0.0'));
    const again = await publishModel(store(), withVersion('mnist-cnn', '5.0.0'));
    expect(again.changed).toBe(false);
    expect(again.steps.some((step) => step.kind === 'file')).toBe(false);
    const altered = checkpoint('mnist-cnn', (manifest) => {
      manifest['version'] = '5.0.0';
      manifest['createdAt'] = '2030-01-01T00:00:00.000Z';
    });
    await expect(publishModel(store(), altered)).rejects.toMatchObject({ code: 'E_PUBLISH_CONFLICT' });
  });

  it('an older version published later does not move latest', async () => {
    await publishModel(store(), withVersion('mnist-cnn', '6.0.0'));
    const report = await publishModel(store(), withVersion('mnist-cnn', '5.5.0'));
    expect(report.steps.at(-1)).toMatchObject({ kind: 'latest', action: 'kept', version: '6.0.0' });
    expect((await readLatest('mnist-cnn')).version).toBe('6.0.0');
  });

  it('refuses a checkpoint whose files do not match its manifest, before uploading anything', async () => {
    const damaged = withVersion('mnist-cnn', '7.0.0');
    const files = new Map(damaged.files);
    const model = files.get('model.onnx')!.slice();
    model[100] = model[100]! ^ 1;
    files.set('model.onnx', model);
    await expect(publishModel(store(), { ...damaged, files })).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    expect(await env.MODELS.head(fileKey('mnist-cnn', '7.0.0', 'head.onnx'))).toBeNull();
  });

  it('a session is created only from a model.onnx that matches the manifest', async () => {
    await publishModel(store(), withVersion('mnist-cnn', '8.0.0'));
    // Storage damaged after publishing: the edge must refuse to run it.
    await env.MODELS.put(fileKey('mnist-cnn', '8.0.0', 'model.onnx'), new Uint8Array([1, 2, 3]));
    const response = await exports.default.fetch(`${EDGE}/v1/models/mnist-cnn/8.0.0/classify`, {
      method: 'POST',
      // Striped, not blank: a blank image is refused (400) before any model runs.
      body: Uint8Array.from({ length: 784 }, (_, i) => (i % 2 ? 255 : 0)),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_INTEGRITY');
  });

  it('loads running concurrently with a publish each get the old version or the new one, never a mix', async () => {
    const rename = (version: string) => (manifest: Record<string, unknown>) => {
      manifest['name'] = 'mnist-mlp';
      manifest['version'] = version;
    };
    // Published last: later versions of mnist-mlp than the tests above use. The new version carries other files (the CNN's), so a load mixing the two would fail its digests.
    await publishModel(store(), checkpoint('mnist-mlp', rename('9.0.0')));
    let publishing = true;
    const seen: Array<{ version: string; consistent: boolean }> = [];
    const loader = async () => {
      while (publishing) seen.push(await loadOnce('mnist-mlp'));
      seen.push(await loadOnce('mnist-mlp'));
    };
    const loaders = Array.from({ length: 4 }, loader);
    const publish = publishModel(store(), checkpoint('mnist-cnn', rename('9.1.0')), {
      // Give the loaders time to run between the steps.
      onStep: () => new Promise((resolve) => setTimeout(resolve, 20)),
    }).finally(() => (publishing = false));
    await Promise.all([publish, ...loaders]);
    expect(seen.filter((load) => !load.consistent)).toEqual([]);
    expect(new Set(seen.map((load) => load.version))).toEqual(new Set(['9.0.0', '9.1.0']));
    expect(seen.at(-1)!.version).toBe('9.1.0');
  });
});
