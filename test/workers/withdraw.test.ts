import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { r2ObjectStore } from '../../scripts/publish/object-store.ts';
import { publishModel } from '../../scripts/publish/publish-model.ts';
import { withdrawVersion } from '../../scripts/publish/withdraw-version.ts';
import { withdrawnKey } from '../../workers/src/store/model-keys.ts';
import { checkpoint } from './edge-fixtures.ts';

const EDGE = 'http://edge.test';
const get = (path: string, init?: RequestInit) => exports.default.fetch(`${EDGE}${path}`, init);
const store = () => r2ObjectStore(env.MODELS);
/** The committed MLP under another model name and version, so each test has a model of its own. */
const publish = (name: string, version: string) =>
  publishModel(
    store(),
    checkpoint('mnist-mlp', (manifest) => {
      manifest['name'] = name;
      manifest['version'] = version;
    }),
  );

async function latestOf(name: string): Promise<string> {
  const response = await get(`/v1/models/${name}/manifest.json`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return /\/v1\/models\/[^/]+\/([^/]+)\/manifest\.json$/.exec(response.headers.get('Location')!)![1]!;
}

async function listed(name: string): Promise<{ latest: string; versions: Array<{ version: string; withdrawn?: { withdrawnAt: string; reason: string } }> }> {
  const { models } = (await (await get('/v1/models')).json()) as { models: Array<{ name: string; latest: string; versions: never[] }> };
  return models.find((model) => model.name === name)!;
}

describe('withdrawing a version', () => {
  it('moves latest back, lists it as withdrawn, answers 410 naming the replacement, keeps its files; restoring undoes it', async () => {
    await publish('wd-basic', '1.0.0');
    await publish('wd-basic', '1.1.0');
    expect(await latestOf('wd-basic')).toBe('1.1.0');

    const report = await withdrawVersion(store(), 'wd-basic', '1.1.0', { reason: 'worse on sevens', now: () => new Date('2030-01-02T03:04:05.000Z') });
    expect(report).toEqual({ name: 'wd-basic', version: '1.1.0', changed: true, withdrawn: ['1.1.0'] });
    expect(await latestOf('wd-basic')).toBe('1.0.0');
    const list = await listed('wd-basic');
    expect(list.latest).toBe('1.0.0');
    expect(list.versions.map((v) => [v.version, v.withdrawn])).toEqual([
      ['1.1.0', { withdrawnAt: '2030-01-02T03:04:05.000Z', reason: 'worse on sevens' }],
      ['1.0.0', undefined],
    ]);

    const gone = await get('/v1/models/wd-basic/1.1.0/manifest.json');
    expect(gone.status).toBe(410);
    expect(gone.headers.get('Cache-Control')).toBe('no-store');
    expect(await gone.json()).toEqual({
      error: { code: 'E_VERSION_WITHDRAWN', message: expect.stringMatching(/^wd-basic@1\.1\.0 was withdrawn on 2030-01-02T03:04:05\.000Z \(worse on sevens\); load wd-basic@1\.0\.0 instead/) },
      withdrawn: { version: '1.1.0', withdrawnAt: '2030-01-02T03:04:05.000Z', reason: 'worse on sevens' },
      replacement: { version: '1.0.0', manifestUrl: '/v1/models/wd-basic/1.0.0/manifest.json' },
    });
    // A download that had the manifest already still finishes.
    const file = await get('/v1/models/wd-basic/1.1.0/head.safetensors');
    expect(file.status).toBe(200);
    await file.arrayBuffer();
    const classify = await exports.default.fetch(`${EDGE}/v1/models/wd-basic/1.1.0/classify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: [Array.from({ length: 784 }, (_, i) => (i % 29) / 28)] }),
    });
    expect(classify.status).toBe(410);
    expect(((await classify.json()) as { error: { code: string } }).error.code).toBe('E_VERSION_WITHDRAWN');

    expect((await withdrawVersion(store(), 'wd-basic', '1.1.0')).changed).toBe(false);
    expect(await withdrawVersion(store(), 'wd-basic', '1.1.0', { restore: true })).toMatchObject({ changed: true, withdrawn: [] });
    expect(await latestOf('wd-basic')).toBe('1.1.0');
    expect((await get('/v1/models/wd-basic/1.1.0/manifest.json')).status).toBe(200);
  });

  it('serves manifests for revalidation on every use (a withdrawal must reach caches), still with 304s', async () => {
    await publish('wd-cache', '2.0.0');
    const first = await get('/v1/models/wd-cache/2.0.0/manifest.json');
    expect(first.headers.get('Cache-Control')).toBe('public, no-cache');
    await first.arrayBuffer();
    const again = await get('/v1/models/wd-cache/2.0.0/manifest.json', { headers: { 'If-None-Match': first.headers.get('ETag')! } });
    expect(again.status).toBe(304);
    expect((await get('/v1/models/wd-cache/2.0.0/model.onnx', { method: 'HEAD' })).headers.get('Cache-Control')).toMatch(/immutable/);
  });

  it('a newer version published after a withdrawal becomes latest; an older fix does when the newest is withdrawn', async () => {
    await publish('wd-order', '1.0.0');
    await publish('wd-order', '2.0.0');
    await withdrawVersion(store(), 'wd-order', '2.0.0');
    await publish('wd-order', '1.0.1');
    expect(await latestOf('wd-order')).toBe('1.0.1');
    await publish('wd-order', '2.1.0');
    expect(await latestOf('wd-order')).toBe('2.1.0');
  });

  it('with every version withdrawn, the latest manifest answers 410 and the model leaves the list', async () => {
    await publish('wd-all', '1.0.0');
    await withdrawVersion(store(), 'wd-all', '1.0.0');
    const response = await get('/v1/models/wd-all/manifest.json');
    expect(response.status).toBe(410);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('E_VERSION_WITHDRAWN');
    const gone = (await (await get('/v1/models/wd-all/1.0.0/manifest.json')).json()) as Record<string, unknown>;
    expect(gone['replacement']).toBeUndefined();
    const { models } = (await (await get('/v1/models')).json()) as { models: Array<{ name: string }> };
    expect(models.map((m) => m.name)).not.toContain('wd-all');
  });

  it('refuses hostile names and versions, and versions that are not published, writing nothing', async () => {
    await publish('wd-hostile', '1.0.0');
    for (const version of ['../1.0.0', '1.0', '1.0.0\n', '1.0.0/../../x', `1.0.0-${'a'.repeat(41)}`, '01.0.0', '']) {
      await expect(withdrawVersion(store(), 'wd-hostile', version)).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    }
    await expect(withdrawVersion(store(), '../wd-hostile', '1.0.0')).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    await expect(withdrawVersion(store(), 'wd-hostile', '9.9.9')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(withdrawVersion(store(), 'wd-hostile', '1.0.0', { reason: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'E_INPUT_RANGE' });
    expect(await env.MODELS.get(withdrawnKey('wd-hostile'))).toBeNull();
  });

  it('a crafted withdrawal record is refused, never half-read: the model routes answer a JSON 500, the script asks to fix it', async () => {
    await publish('wd-crafted', '1.0.0');
    const records = [
      'not json',
      '[]',
      '{"versions": []}',
      '{"versions": {"../1.0.0": {"withdrawnAt": "2030-01-01T00:00:00.000Z", "reason": ""}}}',
      '{"versions": {"1.0.0": {"withdrawnAt": "yesterday", "reason": ""}}}',
      '{"versions": {"1.0.0": {"withdrawnAt": "2030-01-01T00:00:00.000Z", "reason": 42}}}',
      `{"versions": {"1.0.0": {"withdrawnAt": "2030-01-01T00:00:00.000Z", "reason": "${'x'.repeat(501)}"}}}`,
      JSON.stringify({ versions: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`1.0.${i}`, { withdrawnAt: '2030-01-01T00:00:00.000Z', reason: '' }])) }),
    ];
    for (const record of records) {
      await env.MODELS.put(withdrawnKey('wd-crafted'), record);
      for (const path of ['/v1/models/wd-crafted/manifest.json', '/v1/models/wd-crafted/1.0.0/manifest.json']) {
        const response = await get(path, { redirect: 'manual' });
        expect(response.status, `${record.slice(0, 40)} ${path}`).toBe(500);
        expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({
          code: 'E_MANIFEST_INVALID',
          message: expect.stringMatching(/withdrawal record of "wd-crafted" is invalid/),
        });
      }
      await expect(withdrawVersion(store(), 'wd-crafted', '1.0.0')).rejects.toMatchObject({ code: 'E_MANIFEST_INVALID', message: expect.stringMatching(/fix or delete it/) });
    }
    await env.MODELS.delete(withdrawnKey('wd-crafted'));
    expect(await latestOf('wd-crafted')).toBe('1.0.0');
  });
});
