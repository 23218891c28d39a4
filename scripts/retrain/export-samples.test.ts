import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exportSamples } from './export-samples.ts';

const LABELS = Array.from({ length: 10 }, (_, i) => String(i));
const pixels = (seed: number) => Buffer.from(new Uint8Array(784).map((_, i) => (i * 7 + seed) % 256)).toString('base64');
const line = (seq: number, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ seq, id: `sample-${seq}-abcdefgh`, model: 'mnist-mlp', version: '1.1.0', label: String(seq % 10), pixels: pixels(seq), ...extra })}\n`;

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in export endpoint: `page(after, limit)` writes the body for one request. */
async function serve(page: (after: number, limit: number, auth: string | undefined) => { status?: number; body: string }): Promise<string> {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const { status = 200, body } = page(Number(url.searchParams.get('after')), Number(url.searchParams.get('limit')), req.headers.authorization);
    res.statusCode = status;
    res.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

const request = (from: string, extra = {}) => ({ from, adminKey: 'admin', model: 'mnist-mlp', labels: LABELS, pageSize: 4, ...extra });

describe('pulling the sample export', () => {
  it('pages along the seq cursor, skips and counts bad lines, and reports where it stopped', async () => {
    const rows = [line(1), line(2), line(3, { label: 'seven' }), line(4), line(5, { pixels: 'AAAA' }), line(6), '{not json\n', line(8)];
    const from = await serve((after, limit, auth) => {
      expect(auth).toBe('Bearer admin');
      const start = rows.findIndex((row) => Number(/"seq":(\d+)/.exec(row)?.[1] ?? 7) > after);
      return { body: start < 0 ? '' : rows.slice(start, start + limit).join('') };
    });
    const result = await exportSamples(request(from));
    expect(result.samples.count).toBe(5);
    expect([...result.samples.labels]).toEqual([1, 2, 4, 6, 8]);
    expect(result.skipped).toEqual({ 'unknown-label': 1, 'bad-pixels': 1, 'not-json': 1 });
    expect(result.cursor).toEqual({ after: 0, through: 8 });
  });

  it('starts after the given seq', async () => {
    const from = await serve((after) => ({ body: after < 12 ? line(11) + line(12) : '' }));
    const result = await exportSamples(request(from, { after: 10 }));
    expect(result.cursor).toEqual({ after: 10, through: 12 });
  });

  it('refuses a server that does not move the cursor forward, instead of looping', async () => {
    const from = await serve(() => ({ body: line(3) }));
    await expect(exportSamples(request(from, { after: 5 }))).rejects.toMatchObject({ code: 'E_EXPORT_INVALID' });
  });

  it('refuses an oversized page and an export beyond --max-samples', async () => {
    const huge = await serve(() => ({ body: 'x'.repeat(5 << 20) }));
    await expect(exportSamples(request(huge))).rejects.toMatchObject({ code: 'E_EXPORT_INVALID' });
    server!.close();
    let next = 0;
    const endless = await serve(() => ({ body: line(++next) }));
    await expect(exportSamples(request(endless, { maxSamples: 20 }))).rejects.toMatchObject({ code: 'E_EXPORT_TOO_LARGE' });
  });

  it('names the fix for a refused key and for an edge that is not there', async () => {
    const from = await serve(() => ({ status: 401, body: '{"error":{"code":"E_UNAUTHORIZED","message":"no"}}' }));
    await expect(exportSamples(request(from))).rejects.toThrow(/--key/);
    await expect(exportSamples(request('http://127.0.0.1:9'))).rejects.toMatchObject({ code: 'E_EXPORT_FAILED', message: expect.stringMatching(/npm start/) });
  });
});
