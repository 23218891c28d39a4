import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { loadCheckpoint } from './load-checkpoint.ts';
import { MemoryStore } from './memory-store.ts';
import { serveTestCheckpoint, type ServedTestCheckpoint } from './test-checkpoint-server.ts';

let served: ServedTestCheckpoint;

beforeEach(async () => {
  served = await serveTestCheckpoint('edgetune-fetch-');
});

afterEach(() => served.dispose());

async function claimSize(fileName: string, bytes: number): Promise<void> {
  const { manifest } = served.checkpoint;
  const files = { ...manifest.files, [fileName]: { ...manifest.files[fileName]!, bytes } };
  await writeFile(join(served.root, 'mnist', 'manifest.json'), JSON.stringify({ ...manifest, files }));
}

describe('downloading a file whose manifest claims a size the server does not send', () => {
  // The claimed size was allocated up front: 1e15 bytes threw an uncoded RangeError.
  it.each([1e15, 2 ** 40, Number.MAX_SAFE_INTEGER])('reports %d claimed bytes as E_INTEGRITY, allocating only what arrives', async (bytes) => {
    await claimSize('model.onnx', bytes);
    await expect(loadCheckpoint(served.manifestUrl, { store: new MemoryStore() })).rejects.toMatchObject({
      code: ErrorCodes.INTEGRITY,
      message: expect.stringContaining('model.onnx'),
    });
  });

  it('still loads files whose size the manifest states exactly', async () => {
    const loaded = await loadCheckpoint(served.manifestUrl, { store: new MemoryStore() });
    for (const [name, bytes] of Object.entries(served.checkpoint.files)) expect(loaded.files[name]).toEqual(bytes);
  });
});
