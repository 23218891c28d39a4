import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createApp, postSamples, request, revokeApp, sample, setUpSampleStore, storedIds } from './sample-fixtures.ts';

beforeAll(setUpSampleStore);

const APP_ROUTES: ReadonlyArray<[string, string, BodyInit | undefined]> = [
  ['POST', '/v1/samples', JSON.stringify({ samples: [sample()] })],
  ['GET', '/v1/samples/stats', undefined],
  ['DELETE', '/v1/samples?user=alice', undefined],
];

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  return { status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code };
}

describe('authentication', () => {
  const wellFormedUnknown = `et_${'A'.repeat(43)}`;
  const cases: ReadonlyArray<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['an empty Authorization header', { Authorization: '' }],
    ['a Basic scheme', { Authorization: 'Basic dXNlcjpwYXNz' }],
    ['Bearer with no key', { Authorization: 'Bearer ' }],
    ['a key of the wrong format', { Authorization: 'Bearer not-a-key' }],
    ['an unknown key', { Authorization: `Bearer ${wellFormedUnknown}` }],
    ['the admin key in place of an app key', { Authorization: `Bearer ${ADMIN_KEY}` }],
  ];
  for (const [method, path, body] of APP_ROUTES) {
    for (const [what, headers] of cases) {
      it(`${method} ${path.split('?')[0]} with ${what} gets a 401 E_UNAUTHORIZED`, async () => {
        expect(await errorOf(await request(path, { method, headers, body }))).toEqual({ status: 401, code: 'E_UNAUTHORIZED' });
      });
    }
  }

  it('a revoked key gets a 401 on every app route, and its samples stay stored', async () => {
    const app = await createApp();
    const stored = sample();
    expect((await postSamples(app.key, [stored])).body.accepted).toBe(1);
    await revokeApp(app.id);
    for (const [method, path, body] of APP_ROUTES) {
      expect(await errorOf(await request(path, { method, key: app.key, body }))).toEqual({ status: 401, code: 'E_UNAUTHORIZED' });
    }
    expect(await storedIds(app.id)).toEqual([stored.id]);
  });

  it('export needs the admin key: none, wrong, or an app key get a 401', async () => {
    const app = await createApp();
    for (const key of [undefined, 'wrong-admin-key', app.key, `${ADMIN_KEY}x`]) {
      const response = await request('/v1/samples/export?model=mnist-cnn', key === undefined ? {} : { key });
      expect(await errorOf(response)).toEqual({ status: 401, code: 'E_UNAUTHORIZED' });
    }
    expect((await request('/v1/samples/export?model=mnist-cnn&limit=1', { key: ADMIN_KEY })).status).toBe(200);
  });
});

describe('isolation between apps', () => {
  it('stats count only the calling app; erasure never touches another app; ids are per app', async () => {
    const [a, b] = [await createApp('a'), await createApp('b')];
    const shared = sample({ user: 'alice', label: '5' });
    expect((await postSamples(a.key, [shared, sample({ user: 'alice', label: '5' })])).body.accepted).toBe(2);
    // The same id (and content) from another app is that app's own sample, not a duplicate.
    expect((await postSamples(b.key, [shared])).body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });

    const stats = async (key: string) => ((await (await request('/v1/samples/stats', { key })).json()) as { counts: unknown[] }).counts;
    expect(await stats(a.key)).toEqual([{ model: 'mnist-cnn', version: expect.any(String), label: '5', count: 2 }]);
    expect(await stats(b.key)).toEqual([{ model: 'mnist-cnn', version: expect.any(String), label: '5', count: 1 }]);

    const erased = await request('/v1/samples?user=alice', { method: 'DELETE', key: b.key });
    expect(await erased.json()).toEqual({ deleted: 1 });
    expect(await storedIds(b.id)).toEqual([]);
    expect((await storedIds(a.id)).length).toBe(2);
  });
});

describe('CORS for the samples routes', () => {
  it('a preflight from another origin allows DELETE and the Authorization header, and exposes Retry-After', async () => {
    const response = await request('/v1/samples', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('DELETE');
    expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    const app = await createApp();
    const stats = await request('/v1/samples/stats', { key: app.key, headers: { Origin: 'https://app.example' } });
    expect(stats.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
  });
});
