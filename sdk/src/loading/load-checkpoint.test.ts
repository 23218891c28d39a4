import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgetuneError } from '../errors.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import type { LoadProgress } from './load-progress.ts';
import { MemoryStore } from './memory-store.ts';
import { sameBytes, type TestCheckpoint } from './test-checkpoint.ts';
import { serveTestCheckpoint, startCheckpointServer, writeCheckpoint, type CheckpointServer, type ServedTestCheckpoint } from './test-checkpoint-server.ts';

let served: ServedTestCheckpoint;
let root: string;
let server: CheckpointServer;
let checkpoint: TestCheckpoint;
let manifestUrl: string;

beforeEach(async () => {
  served = await serveTestCheckpoint('edgetune-load-');
  ({ root, server, checkpoint, manifestUrl } = served);
});

afterEach(() => served.dispose());

async function rejection(promise: Promise<unknown>): Promise<EdgetuneError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as EdgetuneError;
}

async function expectEmpty(store: MemoryStore): Promise<void> {
  expect(await store.listFiles()).toEqual([]);
  expect(await store.listManifests()).toEqual([]);
}

describe('loadCheckpoint over HTTP', () => {
  it('downloads and verifies every file, reporting monotonic per-file and overall progress', async () => {
    const events: LoadProgress[] = [];
    const loaded = await loadCheckpoint(manifestUrl, { store: new MemoryStore(), onProgress: (event) => events.push(event) });

    expect(loaded.manifest).toEqual(checkpoint.manifest);
    expect(loaded).toMatchObject({ source: 'network', offline: false, manifestUrl });
    for (const [name, bytes] of Object.entries(checkpoint.files)) expect(sameBytes(loaded.files[name], bytes)).toBe(true);

    const total = Object.values(checkpoint.manifest.files).reduce((sum, file) => sum + file.bytes, 0);
    expect(events[0]).toMatchObject({ phase: 'manifest', loaded: 0, total });
    expect(events.at(-1)).toMatchObject({ phase: 'ready', loaded: total, total, fromCache: false });
    let previousLoaded = 0;
    const lastByFile = new Map<string, number>();
    for (const event of events) {
      expect(event.total).toBe(total);
      expect(event.loaded).toBeGreaterThanOrEqual(previousLoaded);
      previousLoaded = event.loaded;
      if (event.file === undefined) continue;
      expect(event.fileTotal).toBe(checkpoint.manifest.files[event.file]!.bytes);
      expect(event.fileLoaded).toBeLessThanOrEqual(event.fileTotal);
      expect(event.fileLoaded).toBeGreaterThanOrEqual(lastByFile.get(event.file) ?? 0);
      lastByFile.set(event.file, event.fileLoaded);
    }
    for (const name of Object.keys(checkpoint.files)) {
      expect(lastByFile.get(name)).toBe(checkpoint.files[name]!.length);
      expect(events.filter((event) => event.phase === 'verify' && event.file === name)).toHaveLength(1);
    }
    const modelChunks = events.filter((event) => event.phase === 'download' && event.file === 'model.onnx');
    expect(modelChunks.length).toBeGreaterThan(1);
  });

  it('resolves a relative manifest URL against options.baseUrl', async () => {
    const loaded = await loadCheckpoint('mnist/manifest.json', { baseUrl: server.url });
    expect(loaded.manifestUrl).toBe(manifestUrl);
    expect(sameBytes(loaded.files['head.onnx'], checkpoint.files['head.onnx'])).toBe(true);
  });

  it('loads an in-memory manifest from its base URL without fetching a manifest', async () => {
    const loaded = await loadCheckpoint({ manifest: checkpoint.manifest, baseUrl: `${server.url}mnist` });
    expect(loaded.manifestUrl).toBe(`${server.url}mnist/`);
    expect(server.requests).not.toContain('/mnist/manifest.json');
    expect(sameBytes(loaded.files['model.onnx'], checkpoint.files['model.onnx'])).toBe(true);
  });

  it('resolves file names against the manifest URL reached after redirects (e.g. an edge "latest" alias)', async () => {
    server.redirects.set('/models/mnist/manifest.json', '/mnist/manifest.json');
    const loaded = await loadCheckpoint(`${server.url}models/mnist/manifest.json`);
    expect(server.requests).toContain('/mnist/model.onnx');
    expect(server.requests).not.toContain('/models/mnist/model.onnx');
    expect(sameBytes(loaded.files['model.onnx'], checkpoint.files['model.onnx'])).toBe(true);
  });

  it('fetches files where options.fileUrl says (e.g. versioned paths)', async () => {
    await writeCheckpoint(join(root, 'mnist', 'files', '1.0.0'), checkpoint);
    await rm(join(root, 'mnist', 'model.onnx'));
    const loaded = await loadCheckpoint(manifestUrl, {
      fileUrl: (manifest, fileName, base) => new URL(`files/${manifest.version}/${fileName}`, base).href,
    });
    expect(server.requests).toContain('/mnist/files/1.0.0/model.onnx');
    expect(sameBytes(loaded.files['model.onnx'], checkpoint.files['model.onnx'])).toBe(true);
  });

  it('reports a missing manifest as E_FETCH_FAILED with the status and URL', async () => {
    const url = `${server.url}nothing/manifest.json`;
    const error = await rejection(loadCheckpoint(url, { store: new MemoryStore() }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain('404');
    expect(error.message).toContain(url);
  });

  it('reports a file missing on the server as E_FETCH_FAILED and caches nothing', async () => {
    await rm(join(root, 'mnist', 'head.onnx'));
    const store = new MemoryStore();
    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain(`${server.url}mnist/head.onnx`);
    await expectEmpty(store);
  });

  it('reports an HTTP 500 as E_FETCH_FAILED', async () => {
    server.faults.set('/mnist/manifest.json', 'error');
    const error = await rejection(loadCheckpoint(manifestUrl));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain('HTTP 500');
  });

  it('rejects a manifest that is not JSON with E_MANIFEST_INVALID', async () => {
    await writeFile(join(root, 'mnist', 'manifest.json'), '<html>not a manifest</html>');
    const error = await rejection(loadCheckpoint(manifestUrl));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain('not valid JSON');
  });

  it('rejects a manifest failing the schema with E_MANIFEST_INVALID naming the field', async () => {
    const { labels: _, ...withoutLabels } = checkpoint.manifest;
    await writeFile(join(root, 'mnist', 'manifest.json'), JSON.stringify(withoutLabels));
    const error = await rejection(loadCheckpoint(manifestUrl));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain('labels');
  });

  it('rejects file names that are paths', async () => {
    const files = { ...checkpoint.manifest.files, '../secret': { sha256: 'a'.repeat(64), bytes: 1 } };
    await writeFile(join(root, 'mnist', 'manifest.json'), JSON.stringify({ ...checkpoint.manifest, files }));
    const error = await rejection(loadCheckpoint(manifestUrl));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain('../secret');
  });

  it.each(['https:127.0.0.1:9', 'x:hello', '.\t.', ' .. ', '..', 'a b', '%2e%2e', 'model.onnx?x', 'é.onnx'])(
    'rejects the file name %j, which a URL parser would take out of the manifest directory',
    async (name) => {
      const files = { ...checkpoint.manifest.files, [name]: { sha256: 'a'.repeat(64), bytes: 1 } };
      await writeFile(join(root, 'mnist', 'manifest.json'), JSON.stringify({ ...checkpoint.manifest, files }));
      const error = await rejection(loadCheckpoint(manifestUrl, { store: new MemoryStore() }));
      expect(error.code).toBe('E_MANIFEST_INVALID');
      expect(error.message).toContain('plain file name');
      expect(server.requests).toEqual(['/mnist/manifest.json']);
    },
  );

  it('refuses a file URL on another origin or above the manifest directory, fetching nothing from it', async () => {
    const other = await startCheckpointServer(root);
    try {
      for (const fileUrl of [
        (_m: unknown, fileName: string) => `${other.url}mnist/${fileName}`,
        (_m: unknown, fileName: string, base: string) => new URL(`../${fileName}`, base).href,
        (_m: unknown, fileName: string, base: string) => new URL(`sub%2F..%2F..%2F${fileName}`, base).href,
      ]) {
        const error = await rejection(loadCheckpoint(manifestUrl, { fileUrl, store: new MemoryStore() }));
        expect(error.code).toBe('E_MANIFEST_INVALID');
        expect(error.message).toContain('mnist/');
      }
      expect(other.requests).toEqual([]);
      expect(server.requests.filter((path) => path !== '/mnist/manifest.json')).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('rejects a file with one flipped byte as E_INTEGRITY and caches nothing from that load', async () => {
    const path = join(root, 'mnist', 'head.onnx');
    const bytes = await readFile(path);
    bytes[123] = bytes[123]! ^ 0xff;
    await writeFile(path, bytes);
    const store = new MemoryStore();

    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_INTEGRITY');
    expect(error.message).toContain('"head.onnx"');
    expect(error.message).toContain(checkpoint.manifest.files['head.onnx'].sha256);
    expect(error.message).toMatch(/retry.*re-publish/);
    await expectEmpty(store);
  });

  it('reports a download cut off mid-body as E_FETCH_FAILED and caches nothing', async () => {
    server.faults.set('/mnist/model.onnx', 'truncate');
    const store = new MemoryStore();
    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toMatch(/"model\.onnx" .* broke off after \d+ of 300000 bytes/);
    await expectEmpty(store);
  });

  it('reports a body shorter than the manifest size as E_INTEGRITY with both sizes', async () => {
    server.faults.set('/mnist/train-step.onnx', 'short');
    const store = new MemoryStore();
    const error = await rejection(loadCheckpoint(manifestUrl, { store }));
    expect(error.code).toBe('E_INTEGRITY');
    expect(error.message).toContain('(45000 bytes) but got sha256');
    expect(error.message).toContain('(22500 bytes)');
    await expectEmpty(store);
  });

  it('stops reading a body longer than the manifest size', async () => {
    const path = join(root, 'mnist', 'head.safetensors');
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(100)]));
    const error = await rejection(loadCheckpoint(manifestUrl));
    expect(error.code).toBe('E_INTEGRITY');
    expect(error.message).toContain('more than 5000 bytes');
  });

  it('fails a file download that stalls mid-body with E_FETCH_FAILED saying so, instead of waiting forever', async () => {
    server.faults.set('/mnist/model.onnx', 'stall-body');
    const store = new MemoryStore();
    const error = await rejection(loadCheckpoint(manifestUrl, { store, stallTimeoutMs: 200 }));
    expect(error).toMatchObject({ code: 'E_FETCH_FAILED', message: expect.stringMatching(/"model\.onnx" .* stalled: no data for 200 ms/) });
    await expectEmpty(store);
  });

  it('fails a manifest server that never answers with E_FETCH_FAILED when nothing is cached', async () => {
    server.faults.set('/mnist/manifest.json', 'stall');
    const error = await rejection(loadCheckpoint(manifestUrl, { stallTimeoutMs: 200 }));
    expect(error).toMatchObject({ code: 'E_FETCH_FAILED', message: expect.stringMatching(/no response within 200 ms/) });
  });

  it('rejects with E_ABORTED when the signal fires mid-download, caching nothing', async () => {
    const controller = new AbortController();
    const store = new MemoryStore();
    const error = await rejection(
      loadCheckpoint(manifestUrl, {
        store,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.phase === 'download') controller.abort();
        },
      }),
    );
    expect(error.code).toBe('E_ABORTED');
    await expectEmpty(store);
  });

  it('rejects an already aborted signal before any request', async () => {
    const error = await rejection(loadCheckpoint(manifestUrl, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('E_ABORTED');
    expect(server.requests).toEqual([]);
  });

  it('explains how to pass a relative URL', async () => {
    const error = await rejection(loadCheckpoint('mnist/manifest.json'));
    expect(error.message).toContain('options.baseUrl');
  });
});

