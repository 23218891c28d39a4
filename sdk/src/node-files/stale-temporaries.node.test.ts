import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryHeadStore } from '../heads/directory-head-store.node.ts';
import { DirectoryStore } from '../loading/directory-store.node.ts';
import { removeStaleTemporaries, STALE_AFTER_MS } from './stale-temporaries.node.ts';

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SHA = 'a'.repeat(64);

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-temporaries-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(path: string, ageMs: number): Promise<void> {
  await writeFile(path, 'partial');
  const at = (Date.now() - ageMs) / 1000;
  await utimes(path, at, at);
}

describe('removeStaleTemporaries', () => {
  it('removes a crashed write’s temporary file once it is an hour old, and nothing else', async () => {
    await file(join(root, `${SHA}.${UUID}.tmp`), STALE_AFTER_MS + 60_000);
    await file(join(root, `${SHA}.${UUID.replace('0f', '1f')}.tmp`), 1_000);
    await file(join(root, SHA), STALE_AFTER_MS * 10);
    await file(join(root, 'notes.tmp'), STALE_AFTER_MS * 10);
    await removeStaleTemporaries(root);
    expect((await readdir(root)).sort()).toEqual([SHA, `${SHA}.${UUID.replace('0f', '1f')}.tmp`, 'notes.tmp'].sort());
  });

  it('ignores a directory that does not exist', async () => {
    await expect(removeStaleTemporaries(join(root, 'missing'))).resolves.toBeUndefined();
  });

  it('runs before the download cache’s first write into a directory', async () => {
    await mkdir(join(root, 'files'), { recursive: true });
    await file(join(root, 'files', `${SHA}.${UUID}.tmp`), STALE_AFTER_MS * 2);
    await new DirectoryStore({ directory: root }).putFile('b'.repeat(64), new Uint8Array([1, 2, 3]));
    expect(await readdir(join(root, 'files'))).toEqual(['b'.repeat(64)]);
  });

  it('runs when the head store lists its heads', async () => {
    await file(join(root, `${SHA}.head.${UUID}.tmp`), STALE_AFTER_MS * 2);
    expect(await new DirectoryHeadStore({ directory: root }).list()).toEqual([]);
    expect(await readdir(root)).toEqual([]);
  });
});
