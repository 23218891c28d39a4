import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../sdk/src/personalize/seeded-random.ts';
import { ADMIN_KEY, createApp, postSamples, request, revokeApp, sample, setUpSampleStore } from './sample-fixtures.ts';

beforeAll(setUpSampleStore);

const REQUESTS = 1000;

describe('fuzz: malformed requests on every samples route', () => {
  it(`answers ${REQUESTS} seeded malformed requests without a 5xx, then serves normally`, async () => {
    // Seeded, so a failing request can be replayed from its seed.
    const next = createRandom(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const int = (max: number) => Math.floor(next() * max);
    const text = (length: number) => Array.from({ length }, () => String.fromCharCode(int(0x3000))).join('');
    // Header values: printable ASCII (what fetch carries), but otherwise anything.
    const ascii = (length: number) => Array.from({ length }, () => String.fromCharCode(0x21 + int(94))).join('');
    const apps = await Promise.all(Array.from({ length: 30 }, () => createApp('fuzz')));
    const revoked = await createApp('fuzz revoked');
    await revokeApp(revoked.id);

    const value = (depth = 0): unknown =>
      pick<() => unknown>([
        () => null,
        () => int(2) === 0,
        () => next() * 1e308 * (int(2) ? 1 : -1),
        () => -0,
        () => text(int(40)),
        () => 'NaN',
        () => '9'.repeat(int(400)),
        () => (depth > 3 ? [] : Array.from({ length: int(5) }, () => value(depth + 1))),
        () => (depth > 3 ? {} : { [text(3)]: value(depth + 1), __proto__: value(depth + 1), constructor: 'x' }),
      ])();
    const mutatedSample = () => {
      const s: Record<string, unknown> = sample({ user: int(2) ? 'u' : undefined });
      const field = pick(['id', 'model', 'version', 'label', 'pixels', 'user', 'extra']);
      if (int(4) === 0) delete s[field];
      else s[field] = pick<() => unknown>([() => value(), () => text(int(70)), () => (s['pixels'] as string).slice(int(1048)), () => `${s[field]}=`])();
      return s;
    };
    const body = (): BodyInit | undefined =>
      pick<() => BodyInit | undefined>([
        () => undefined,
        () => '',
        () => JSON.stringify({ samples: Array.from({ length: int(8) }, mutatedSample) }),
        () => JSON.stringify({ samples: value() }),
        () => JSON.stringify(value()),
        () => '['.repeat(5_000 + int(50_000)),
        () => `{"samples":[${'{"id":'.repeat(int(2000))}`,
        () => crypto.getRandomValues(new Uint8Array(int(4096))),
        () => JSON.stringify({ samples: Array.from({ length: 257 + int(50) }, () => ({})) }),
        () => JSON.stringify({ samples: [sample()] }).slice(0, int(1200)),
      ])();
    const authorization = (): string | undefined =>
      pick<() => string | undefined>([
        () => undefined,
        () => `Bearer ${pick(apps).key}`,
        () => `Bearer ${pick(apps).key}`,
        () => `Bearer ${revoked.key}`,
        () => `Bearer ${ADMIN_KEY}`,
        () => `Bearer et_${ascii(43)}`,
        () => `bearer ${pick(apps).key}`,
        () => `Bearer ${'x'.repeat(int(10_000))}`,
        () => `Bearer ${pick(apps).key} extra`,
        () => ascii(int(100)),
      ])();
    const query = () =>
      pick([
        '',
        `?user=${encodeURIComponent(text(int(300)))}`,
        `?model=${pick(['mnist-cnn', 'mnist-mlp', '', '..', text(5)].map(encodeURIComponent))}&after=${pick(['0', '-1', '1e9', 'NaN', '99999999999999999999', String(int(1e6))])}`,
        `?limit=${pick(['0', '1', '1000', '1001', 'x'])}&model=mnist-cnn`,
        `?${encodeURIComponent(text(int(50)))}=${encodeURIComponent(text(int(50)))}`,
        '?user=a&user=b',
        '?%zz',
      ]);

    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const method = pick(['GET', 'POST', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD']);
      const path = pick(['/v1/samples', '/v1/samples/stats', '/v1/samples/export', '/v1/samples/', '/v1/samples/x']) + query();
      const headers = new Headers();
      const auth = authorization();
      if (auth !== undefined) headers.set('Authorization', auth);
      if (int(2)) headers.set('Content-Type', pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'image/png']));
      if (int(8) === 0) headers.set('Content-Length', pick(['0', '5', '-1', '99999999999', 'abc']));
      if (int(8) === 0) headers.set('Origin', pick(['https://app.example', 'null', 'x']));
      const init: RequestInit = { method, headers };
      if (method !== 'GET' && method !== 'HEAD') {
        const payload = body();
        if (payload !== undefined) init.body = payload;
      }
      let response: Response;
      try {
        response = await request(path, init);
      } catch (error) {
        // A request the fetch API itself refuses (e.g. a bad Content-Length) never reaches the Worker.
        if (error instanceof TypeError) continue;
        throw error;
      }
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      expect(response.status, `request ${i}: ${method} ${path.slice(0, 80)}`).toBeLessThan(500);
    }
    // Most requests must have got past the door, not all bounced on one check.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404]));

    const app = await createApp('after fuzz');
    const after = await postSamples(app.key, [sample(), sample()]);
    expect(after).toEqual({ status: 200, body: { accepted: 2, duplicates: 0, rejected: [] } });
    expect((await request('/v1/health')).status).toBe(200);
    // A generous bound: on a loaded shared machine one request can take hundreds of ms.
  }, 900_000);
});
