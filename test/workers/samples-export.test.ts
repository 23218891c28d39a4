import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportedSample } from '../../workers/src/samples/sample-store.ts';
import { ADMIN_KEY, createApp, postSamples, request, sample, setUpSampleStore, storedIds } from './sample-fixtures.ts';

beforeAll(setUpSampleStore);

async function exportPage(model: string, after: number, limit: number): Promise<{ samples: ExportedSample[]; next: number }> {
  const response = await request(`/v1/samples/export?model=${model}&after=${after}&limit=${limit}`, { key: ADMIN_KEY });
  expect(response.status).toBe(200);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/x-ndjson/);
  const text = await response.text();
  const samples = text.split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as ExportedSample);
  return { samples, next: Number(response.headers.get('Edgetune-Next-After')) };
}

describe('GET /v1/samples/export', () => {
  it('pages through every sample exactly once while other requests keep inserting', async () => {
    const app = await createApp();
    const model = 'mnist-mlp';
    const sent: string[] = [];
    const send = async (count: number) => {
      const batch = Array.from({ length: count }, () => sample({ model }));
      expect((await postSamples(app.key, batch)).body.accepted).toBe(count);
      sent.push(...batch.map((s) => s.id as string));
    };
    await send(30);

    let inserting = true;
    const inserts = (async () => {
      for (let round = 0; round < 12; round++) await send(5);
      inserting = false;
    })();
    const seen: ExportedSample[] = [];
    let after = 0;
    // Keep paging until the inserts are over and a page comes back empty.
    for (;;) {
      const wasInserting = inserting;
      const page = await exportPage(model, after, 7);
      seen.push(...page.samples);
      after = page.next;
      if (page.samples.length === 0 && !wasInserting) break;
    }
    await inserts;

    const seqs = seen.map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const { results } = await env.SAMPLES.prepare('SELECT id FROM samples WHERE model = ?').bind(model).all<{ id: string }>();
    expect(seen.map((s) => s.id).sort()).toEqual(results.map((row) => row.id).sort());
    const mine = seen.filter((s) => s.app === app.id).map((s) => s.id);
    expect(mine.sort()).toEqual([...sent].sort());
  });

  it('exports the pixels as sent and the end user only as a hash', async () => {
    const app = await createApp();
    const sent = sample({ model: 'mnist-cnn', user: 'carol@example.com', label: '8' });
    await postSamples(app.key, [sent]);
    let after = 0;
    let found: ExportedSample | undefined;
    for (let page = await exportPage('mnist-cnn', after, 1000); page.samples.length > 0 && !found; page = await exportPage('mnist-cnn', after, 1000)) {
      found = page.samples.find((s) => s.id === sent.id && s.app === app.id);
      after = page.next;
    }
    expect(found).toMatchObject({ model: 'mnist-cnn', label: '8', pixels: sent.pixels });
    expect(found!.user).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a missing model and bad cursors with a 400', async () => {
    for (const query of ['', '?model=', '?model=../x', '?model=mnist-cnn&after=-1', '?model=mnist-cnn&after=1e3', '?model=mnist-cnn&limit=0', '?model=mnist-cnn&limit=1001']) {
      const response = await request(`/v1/samples/export${query}`, { key: ADMIN_KEY });
      expect(response.status, query).toBe(400);
    }
  });
});

describe('DELETE /v1/samples?user=', () => {
  it("erases that end user's samples of the calling app and answers the count", async () => {
    const app = await createApp();
    const dave = [sample({ user: 'dave' }), sample({ user: 'dave' }), sample({ user: 'dave' })];
    const others = [sample({ user: 'erin' }), sample()];
    await postSamples(app.key, [...dave, ...others]);
    const erase = (user: string) => request(`/v1/samples?user=${encodeURIComponent(user)}`, { method: 'DELETE', key: app.key });
    expect(await (await erase('dave')).json()).toEqual({ deleted: 3 });
    expect(await storedIds(app.id)).toEqual(others.map((s) => s.id as string).sort());
    expect(await (await erase('dave')).json()).toEqual({ deleted: 0 });
    // A retry after erasure stores the samples again: erasure is not a block list.
    expect((await postSamples(app.key, dave)).body.accepted).toBe(3);
    for (const bad of ['', 'x'.repeat(257)]) expect((await erase(bad)).status).toBe(400);
    expect((await request('/v1/samples', { method: 'DELETE', key: app.key })).status).toBe(400);
  });
});

describe('rate limit', () => {
  it('answers 429 E_RATE_LIMITED with Retry-After once a key used its requests; other keys are unaffected', async () => {
    const [busy, quiet] = [await createApp(), await createApp()];
    let limited: Response | undefined;
    for (let i = 0; i < 400 && !limited; i++) {
      const response = await request('/v1/samples/stats', { key: busy.key });
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(200);
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('Retry-After')).toBe('10');
    expect(((await limited!.json()) as { error: { code: string } }).error.code).toBe('E_RATE_LIMITED');
    expect((await postSamples(busy.key, [sample()])).status).toBe(429);
    expect((await request('/v1/samples/stats', { key: quiet.key })).status).toBe(200);
  });
});
