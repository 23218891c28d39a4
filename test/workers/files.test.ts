import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../workers/src/app.ts';
import { checkpoint, fixtures, publishCommittedModels } from './edge-fixtures.ts';

const EDGE = 'http://edge.test';
const get = (path: string, init?: RequestInit) => exports.default.fetch(`${EDGE}${path}`, init);

async function expectJsonError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error.message;
}

beforeAll(publishCommittedModels);

describe('GET /v1/models', () => {
  it('lists every published model with its latest version, versions, accuracy and size', async () => {
    const response = await get('/v1/models');
    expect(response.status).toBe(200);
    const { models } = (await response.json()) as { models: Array<{ name: string; latest: string; versions: Array<Record<string, unknown>> }> };
    expect(models.map((model) => model.name)).toEqual(fixtures().checkpoints.map((c) => c.name).sort());
    for (const model of models) {
      const manifest = JSON.parse(fixtures().checkpoints.find((c) => c.name === model.name)!.manifest);
      expect(model.latest).toBe(manifest.version);
      expect(model.versions[0]).toMatchObject({
        version: manifest.version,
        accuracy: manifest.testAccuracy.value,
        bytes: Object.values(manifest.files as Record<string, { bytes: number }>).reduce((sum, f) => sum + f.bytes, 0),
        manifestUrl: `/v1/models/${model.name}/${manifest.version}/manifest.json`,
      });
    }
  });
});

describe('GET /v1/models/:name/manifest.json', () => {
  it('redirects to the latest version with a short cache', async () => {
    const response = await get('/v1/models/mnist-cnn/manifest.json', { redirect: 'manual' });
    expect(response.status).toBe(302);
    const { version } = JSON.parse(new TextDecoder().decode(checkpoint('mnist-cnn').manifestBytes)) as { version: string };
    expect(response.headers.get('Location')).toBe(`${EDGE}/v1/models/mnist-cnn/${version}/manifest.json`);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=60');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('answers an unknown model with a JSON 404', async () => {
    await expectJsonError(await get('/v1/models/no-such-model/manifest.json', { redirect: 'manual' }), 404, 'E_NOT_FOUND');
  });
});

describe('GET /v1/models/:name/:version/:file', () => {
  const source = () => checkpoint('mnist-cnn');
  const manifest = () => JSON.parse(new TextDecoder().decode(source().manifestBytes)) as { version: string; files: Record<string, { sha256: string; bytes: number }> };
  const fileUrl = (file: string) => `/v1/models/mnist-cnn/${manifest().version}/${file}`;

  it('serves each file byte for byte, immutable, with its sha256 as ETag', async () => {
    for (const [file, digest] of Object.entries(manifest().files)) {
      const response = await get(fileUrl(file));
      expect(response.status).toBe(200);
      expect(response.headers.get('ETag')).toBe(`"${digest.sha256}"`);
      expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(source().files.get(file));
    }
  });

  it('serves the manifest itself as published', async () => {
    const response = await get(fileUrl('manifest.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(source().manifestBytes);
  });

  it('answers If-None-Match with the ETag by a 304 without a body', async () => {
    const etag = `"${manifest().files['model.onnx']!.sha256}"`;
    const response = await get(fileUrl('model.onnx'), { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe(etag);
    expect(await response.text()).toBe('');
    const other = await get(fileUrl('model.onnx'), { headers: { 'If-None-Match': '"0000"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await get(fileUrl('head.onnx'), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(manifest().files['head.onnx']!.bytes));
    expect(response.headers.get('ETag')).toBe(`"${manifest().files['head.onnx']!.sha256}"`);
    expect(await response.text()).toBe('');
  });

  it('serves byte ranges (resumable downloads): first, open-ended and suffix', async () => {
    const bytes = source().files.get('model.onnx')!;
    const size = bytes.byteLength;
    const cases: Array<[string, number, number]> = [
      ['bytes=0-99', 0, 99],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      ['bytes=-5', size - 5, size - 1],
      [`bytes=100-${size + 1000}`, 100, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const response = await get(fileUrl('model.onnx'), { headers: { Range: range } });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('Content-Range')).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get('Content-Length')).toBe(String(end - start + 1));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes.subarray(start, end + 1));
    }
  });

  it('answers a range past the end with a 416 naming the size', async () => {
    const size = manifest().files['model.onnx']!.bytes;
    const response = await get(fileUrl('model.onnx'), { headers: { Range: `bytes=${size}-` } });
    expect(response.headers.get('Content-Range')).toBe(`bytes */${size}`);
    await expectJsonError(response, 416, 'E_INPUT_RANGE');
  });

  it('ignores a range whose If-Range names another entity', async () => {
    const response = await get(fileUrl('model.onnx'), { headers: { Range: 'bytes=0-9', 'If-Range': '"stale"' } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it('answers unknown names, versions and files with JSON 404s', async () => {
    const { version } = manifest();
    await expectJsonError(await get(`/v1/models/no-such-model/${version}/model.onnx`), 404, 'E_NOT_FOUND');
    expect(await expectJsonError(await get('/v1/models/mnist-cnn/9.9.9/model.onnx'), 404, 'E_NOT_FOUND')).toContain('9.9.9');
    expect(await expectJsonError(await get(`/v1/models/mnist-cnn/${version}/weights.bin`), 404, 'E_NOT_FOUND')).toContain('model.onnx');
    await expectJsonError(await get(`/v1/models/mnist-cnn/${version}/..%2Fmanifest.json`), 404, 'E_NOT_FOUND');
    await expectJsonError(await get('/v1/models/mnist-cnn/not-a-version/model.onnx'), 404, 'E_NOT_FOUND');
    await expectJsonError(await get('/v1/nothing-here'), 404, 'E_NOT_FOUND');
  });
});

describe('CORS', () => {
  it('answers a preflight from any origin by default', async () => {
    const response = await get('/v1/models/mnist-cnn/classify', {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('content-type');
  });

  it('exposes the headers resumable, cache-aware downloads need', async () => {
    const response = await get('/v1/models/mnist-cnn/manifest.json', { headers: { Origin: 'https://app.example' }, redirect: 'manual' });
    expect(response.headers.get('Access-Control-Expose-Headers')).toMatch(/ETag.*Content-Range/);
  });

  it('with an allow-list, admits listed origins only', async () => {
    const restricted = { ...env, ALLOWED_ORIGINS: 'https://a.example, https://b.example' };
    const allowed = await app.fetch(new Request(`${EDGE}/v1/health`, { headers: { Origin: 'https://b.example' } }), restricted);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://b.example');
    const refused = await app.fetch(new Request(`${EDGE}/v1/health`, { headers: { Origin: 'https://evil.example' } }), restricted);
    expect(refused.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('static assets', () => {
  it('has the API page (the route list)', async () => {
    const response = await env.ASSETS.fetch(`${EDGE}/api`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/v1/models');
  });
});



