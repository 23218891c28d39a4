import { describe, expect, it } from 'vitest';

// Pins test/support/serve-models-plugin.ts, which the SDK's integrity tests will lean on.
const MODEL = 'mnist-cnn';
const FILE = 'model.onnx';

interface ManifestFiles {
  readonly files: Record<string, { readonly sha256: string; readonly bytes: number }>;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function expected(): Promise<{ readonly sha256: string; readonly bytes: number }> {
  const manifest = (await (await fetch(`/models/${MODEL}/manifest.json`)).json()) as ManifestFiles;
  const entry = manifest.files[FILE];
  if (!entry) throw new Error(`manifest of ${MODEL} lists no ${FILE}`);
  return entry;
}

async function fetchFault(mode: string, query = ''): Promise<Response> {
  return fetch(`/models-faults/${mode}/${MODEL}/${FILE}${query}`, { cache: 'no-store' });
}

describe('/models/ serves checkpoint files', () => {
  it('with the bytes, type, length, sha256 ETag and CORP header the manifest promises', async () => {
    const { sha256, bytes } = await expected();
    const response = await fetch(`/models/${MODEL}/${FILE}`, { cache: 'no-store' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(bytes));
    expect(response.headers.get('etag')).toBe(`"${sha256}"`);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    const body = await response.arrayBuffer();
    expect(body.byteLength).toBe(bytes);
    expect(await sha256Hex(body)).toBe(sha256);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const { sha256 } = await expected();
    const response = await fetch(`/models/${MODEL}/${FILE}`, { cache: 'no-store', headers: { 'If-None-Match': `"${sha256}"` } });
    expect(response.status).toBe(304);
  });

  it('answers 404 JSON for a missing file and for paths escaping the models directory', async () => {
    for (const path of [`/models/${MODEL}/nope.onnx`, '/models/no-such-model/model.onnx', '/models/..%2f..%2fpackage.json']) {
      const response = await fetch(path);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'E_NOT_FOUND' } });
    }
  });
});

describe('/models-faults/<mode>/ breaks downloads on purpose', () => {
  it('flip-byte: full length and headers, one byte different', async () => {
    const { sha256, bytes } = await expected();
    const response = await fetchFault('flip-byte');
    expect(response.headers.get('etag')).toBe(`"${sha256}"`);
    const body = new Uint8Array(await response.arrayBuffer());
    const good = new Uint8Array(await (await fetch(`/models/${MODEL}/${FILE}`)).arrayBuffer());
    expect(body.byteLength).toBe(bytes);
    expect(body.filter((byte, i) => byte !== good[i]).length).toBe(1);
    expect(await sha256Hex(body.buffer)).not.toBe(sha256);
  });

  it('truncate: half the bytes with a matching Content-Length', async () => {
    const { bytes } = await expected();
    const response = await fetchFault('truncate');
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(Math.floor(bytes / 2));
  });

  it('abort: the body read fails after the headers promised the full length', async () => {
    const { bytes } = await expected();
    const response = await fetchFault('abort');
    expect(response.headers.get('content-length')).toBe(String(bytes));
    await expect(response.arrayBuffer()).rejects.toThrow(TypeError);
  });

  it('slow: the whole file, delivered late', async () => {
    const { bytes } = await expected();
    const started = performance.now();
    const body = await (await fetchFault('slow', '?delayMs=30')).arrayBuffer();
    expect(body.byteLength).toBe(bytes);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('404 and 500: JSON errors; an unknown mode is a 400 naming the valid ones', async () => {
    expect((await fetchFault('404')).status).toBe(404);
    const failed = await fetchFault('500');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { code: 'E_INTERNAL' } });
    const unknown = await fetchFault('gremlins');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('flip-byte');
  });
});
