import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultCacheDirectory, DirectoryStore } from './directory-store.node.ts';
import { makeCheckpoint, sameBytes } from './test-checkpoint.ts';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'edgetune-store-'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(directory, { recursive: true, force: true });
});

const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const sha256 = createHash('sha256').update(bytes).digest('hex');

describe('DirectoryStore', () => {
  it('keeps files and manifests across instances', async () => {
    const { manifest } = await makeCheckpoint('1.0.0');
    const first = new DirectoryStore({ directory });
    await first.putFile(sha256, bytes);
    await first.putManifest('https://models.example/mnist/manifest.json', manifest);

    const second = new DirectoryStore({ directory });
    expect(sameBytes(await second.getFile(sha256), bytes)).toBe(true);
    expect(await second.listFiles()).toEqual([sha256]);
    expect(await second.getManifest('https://models.example/mnist/manifest.json')).toEqual(manifest);
    expect(await second.listManifests()).toEqual(['https://models.example/mnist/manifest.json']);

    await second.deleteFile(sha256);
    await second.deleteManifest('https://models.example/mnist/manifest.json');
    expect(await second.getFile(sha256)).toBeUndefined();
    expect(await second.listFiles()).toEqual([]);
    expect(await second.listManifests()).toEqual([]);
  });

  it('reads an empty or missing directory as an empty store', async () => {
    const store = new DirectoryStore({ directory: join(directory, 'not-yet-created') });
    expect(await store.getFile(sha256)).toBeUndefined();
    expect(await store.listFiles()).toEqual([]);
    expect(await store.getManifest('x')).toBeUndefined();
    await expect(store.deleteFile(sha256)).resolves.toBeUndefined();
  });

  it('writes to a temporary name and renames it into place', async () => {
    const written: string[] = [];
    const store = new DirectoryStore({
      directory,
      writeFile: async (path, data) => {
        written.push(path);
        await writeFile(path, data);
      },
    });
    await store.putFile(sha256, bytes);
    const finalPath = join(directory, 'files', sha256);
    expect(written).toHaveLength(1);
    expect(written[0]).not.toBe(finalPath);
    expect(dirname(written[0]!)).toBe(dirname(finalPath));
    expect(await readdir(join(directory, 'files'))).toEqual([sha256]);
  });

  it('never leaves a partial file under its hash when a write dies halfway', async () => {
    const store = new DirectoryStore({
      directory,
      writeFile: async (path, data) => {
        await writeFile(path, data.subarray(0, data.length / 2));
        throw new Error('ENOSPC: no space left on device');
      },
    });
    await expect(store.putFile(sha256, bytes)).rejects.toThrow('ENOSPC');
    expect(await store.getFile(sha256)).toBeUndefined();
    expect(await store.listFiles()).toEqual([]);
    expect(await readdir(join(directory, 'files'))).toEqual([]);
  });

  it('ignores temporary files a killed process left behind', async () => {
    await mkdir(join(directory, 'files'), { recursive: true });
    await writeFile(join(directory, 'files', `${sha256}.0b6f3c1e.tmp`), bytes.subarray(0, 3));
    const store = new DirectoryStore({ directory });
    expect(await store.getFile(sha256)).toBeUndefined();
    expect(await store.listFiles()).toEqual([]);
    await store.putFile(sha256, bytes);
    expect(sameBytes(await store.getFile(sha256), bytes)).toBe(true);
  });

  it('refuses a key that is not a sha256, so it cannot name a path', async () => {
    const store = new DirectoryStore({ directory });
    await expect(store.putFile('../../etc/passwd', bytes)).rejects.toThrow(RangeError);
    await expect(store.getFile('ABC')).rejects.toThrow(RangeError);
  });

  it('reads a damaged manifest entry as absent', async () => {
    const store = new DirectoryStore({ directory });
    await store.putManifest('key', (await makeCheckpoint('1.0.0')).manifest);
    const [name] = await readdir(join(directory, 'manifests'));
    await writeFile(join(directory, 'manifests', name!), '{"key": "key", "manifest": {"trunc');
    expect(await store.getManifest('key')).toBeUndefined();
    expect(await store.listManifests()).toEqual([]);
  });

  it('reads a manifest entry edited on disk as absent, and one whose seal is missing', async () => {
    const { manifest } = await makeCheckpoint('1.0.0');
    const store = new DirectoryStore({ directory });
    await store.putManifest('key', manifest);
    const names = (await readdir(join(directory, 'manifests'))).sort();
    expect(names).toHaveLength(2);
    const [entryName, sealName] = names as [string, string];
    expect(entryName).toMatch(/\.json$/);
    expect(sealName).toMatch(/\.sha256$/);
    const edited = { ...manifest, labels: [...manifest.labels].reverse() };
    await writeFile(join(directory, 'manifests', entryName), JSON.stringify({ key: 'key', manifest: edited }));
    expect(await store.getManifest('key')).toBeUndefined();
    expect(await store.listManifests()).toEqual([]);

    await store.putManifest('key', manifest);
    expect(await store.getManifest('key')).toEqual(manifest);
    await rm(join(directory, 'manifests', sealName));
    expect(await store.getManifest('key')).toBeUndefined();
  });

  it('defaults to $EDGETUNE_CACHE_DIR, else ~/.cache/edgetune', () => {
    vi.stubEnv('EDGETUNE_CACHE_DIR', '/var/cache/edgetune-test');
    expect(defaultCacheDirectory()).toBe('/var/cache/edgetune-test');
    expect(new DirectoryStore().directory).toBe('/var/cache/edgetune-test');
    vi.stubEnv('EDGETUNE_CACHE_DIR', '');
    expect(defaultCacheDirectory()).toBe(join(homedir(), '.cache', 'edgetune'));
  });

  // A plain read of a FIFO blocks forever; a cache must never hang a load over a stray file.
  it('treats a FIFO in place of a cached file or manifest as a miss, and the next write replaces it', async () => {
    const { manifest } = await makeCheckpoint('1.0.0');
    const key = 'https://models.example/mnist/manifest.json';
    const store = new DirectoryStore({ directory });
    await mkdir(join(directory, 'files'), { recursive: true });
    await mkdir(join(directory, 'manifests'), { recursive: true });
    execFileSync('mkfifo', [join(directory, 'files', sha256)]);
    execFileSync('mkfifo', [join(directory, 'manifests', `${createHash('sha256').update(key).digest('hex')}.json`)]);

    expect(await store.getFile(sha256)).toBeUndefined();
    expect(await store.getManifest(key)).toBeUndefined();
    expect(await store.listManifests()).toEqual([]);

    await store.putFile(sha256, bytes);
    await store.putManifest(key, manifest);
    expect(sameBytes(await store.getFile(sha256), bytes)).toBe(true);
    expect(await store.getManifest(key)).toEqual(manifest);
  }, 20_000);
});
