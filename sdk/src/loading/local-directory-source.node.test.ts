import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EdgetuneError } from '../errors.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import type { LoadProgress } from './load-progress.ts';
import { localDirectorySource } from './local-directory-source.node.ts';
import { MemoryStore } from './memory-store.ts';
import { makeCheckpoint, sameBytes, type TestCheckpoint } from './test-checkpoint.ts';
import { writeCheckpoint } from './test-checkpoint-server.ts';

let root: string;
let modelDirectory: string;
let checkpoint: TestCheckpoint;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-local-'));
  modelDirectory = join(root, 'models', 'mnist-test');
  checkpoint = await makeCheckpoint('1.0.0');
  await writeCheckpoint(modelDirectory, checkpoint);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function expectFiles(loaded: { files: Record<string, Uint8Array> }): void {
  for (const [name, bytes] of Object.entries(checkpoint.files)) expect(sameBytes(loaded.files[name], bytes), name).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<EdgetuneError> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (reason: unknown) => reason as EdgetuneError,
  );
}

const manifestFileUrl = () => pathToFileURL(join(modelDirectory, 'manifest.json')).href;

describe('loadCheckpoint from a local directory', () => {
  it('reads and verifies a checkpoint directory given as a path, without caching it', async () => {
    const store = new MemoryStore();
    const events: LoadProgress[] = [];
    const loaded = await loadCheckpoint(modelDirectory, {
      readLocal: localDirectorySource,
      store,
      onProgress: (event) => events.push(event),
    });
    expect(loaded.manifest).toEqual(checkpoint.manifest);
    expect(loaded).toMatchObject({ source: 'network', offline: false, manifestUrl: manifestFileUrl() });
    expectFiles(loaded);
    expect(await store.listFiles()).toEqual([]);
    expect(events.at(-1)).toMatchObject({ phase: 'ready', loaded: events[0]!.total });
  });

  it('accepts a file:// URL of the directory or of manifest.json', async () => {
    for (const source of [pathToFileURL(modelDirectory).href, manifestFileUrl()]) {
      const loaded = await loadCheckpoint(source, { readLocal: localDirectorySource });
      expect(loaded.manifestUrl).toBe(manifestFileUrl());
      expectFiles(loaded);
    }
  });

  it('accepts an in-memory manifest whose files are in a directory', async () => {
    const loaded = await loadCheckpoint({ manifest: checkpoint.manifest, baseUrl: modelDirectory }, { readLocal: localDirectorySource });
    expectFiles(loaded);
  });

  it('reports a missing directory as E_FETCH_FAILED naming the path', async () => {
    const missing = join(root, 'models', 'nope');
    const error = await rejection(loadCheckpoint(missing, { readLocal: localDirectorySource }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain(`${missing} does not exist`);
  });

  it('reports a missing file as E_FETCH_FAILED', async () => {
    await rm(join(modelDirectory, 'head.safetensors'));
    const error = await rejection(loadCheckpoint(modelDirectory, { readLocal: localDirectorySource }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain('head.safetensors does not exist');
  });

  it('verifies local files too', async () => {
    const path = join(modelDirectory, 'model.onnx');
    const bytes = await readFile(path);
    bytes[0] = bytes[0]! ^ 0x80;
    await writeFile(path, bytes);
    const error = await rejection(loadCheckpoint(modelDirectory, { readLocal: localDirectorySource }));
    expect(error.code).toBe('E_INTEGRITY');
    expect(error.message).toContain('"model.onnx"');
  });

  it('refuses a file name with a scheme instead of reading it relative to the working directory', async () => {
    const files = { ...checkpoint.manifest.files, 'x:hello': { sha256: 'a'.repeat(64), bytes: 5 } };
    await writeFile(join(modelDirectory, 'manifest.json'), JSON.stringify({ ...checkpoint.manifest, files }));
    const error = await rejection(loadCheckpoint(modelDirectory, { readLocal: localDirectorySource }));
    expect(error.code).toBe('E_MANIFEST_INVALID');
    expect(error.message).toContain('"x:hello"');
  });

  it('loads exactly the manifest file named, never the manifest.json beside it', async () => {
    const other = { ...checkpoint.manifest, version: '2.0.0' };
    await writeFile(join(modelDirectory, 'mlp-manifest.json'), JSON.stringify(other));
    const loaded = await loadCheckpoint(join(modelDirectory, 'mlp-manifest.json'), { readLocal: localDirectorySource });
    expect(loaded.manifest.version).toBe('2.0.0');

    const missing = join(modelDirectory, 'cnn-manifest.json');
    const error = await rejection(loadCheckpoint(missing, { readLocal: localDirectorySource }));
    expect(error.code).toBe('E_FETCH_FAILED');
    expect(error.message).toContain(`${missing} does not exist`);
  });

  it('refuses a path that is neither a directory nor a .json manifest with E_INPUT_RANGE', async () => {
    const path = join(modelDirectory, 'model.onnx');
    const error = await rejection(loadCheckpoint(path, { readLocal: localDirectorySource }));
    expect(error.code).toBe('E_INPUT_RANGE');
    expect(error.message).toContain('neither a checkpoint directory nor a manifest .json file');
  });

  it('explains that file:// needs the Node build when no reader is given', async () => {
    const error = await rejection(loadCheckpoint(manifestFileUrl()));
    expect(error.code).toBe('E_INPUT_RANGE');
    expect(error.message).toContain('Node build');
  });

  it('refuses a FIFO in place of a checkpoint file with E_FETCH_FAILED instead of blocking', async () => {
    const fileName = Object.keys(checkpoint.files)[0]!;
    await rm(join(modelDirectory, fileName));
    execFileSync('mkfifo', [join(modelDirectory, fileName)]);
    const error = await rejection(loadCheckpoint(modelDirectory, { readLocal: localDirectorySource }));
    expect(error).toMatchObject({ code: 'E_FETCH_FAILED', message: expect.stringMatching(/not a regular file/) });
  }, 20_000);
});
