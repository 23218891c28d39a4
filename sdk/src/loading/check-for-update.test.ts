import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkForUpdate } from './check-for-update.ts';
import { localDirectorySource } from './local-directory-source.node.ts';
import { makeCheckpoint } from './test-checkpoint.ts';
import { startCheckpointServer, writeCheckpoint, type CheckpointServer } from './test-checkpoint-server.ts';

/** The edge's own answers (versions, withdrawals) are covered against wrangler dev; these are the other sources. */
let root: string;
let server: CheckpointServer;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-update-'));
  await writeCheckpoint(join(root, 'serve', 'mnist'), await makeCheckpoint('1.0.0'));
  server = await startCheckpointServer(join(root, 'serve'));
});

afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

describe('checkForUpdate', () => {
  it('on a static host: re-reads the manifest URL and reports another version there', async () => {
    const url = `${server.url}mnist/manifest.json`;
    expect(await checkForUpdate(url, '1.0.0')).toEqual({ current: '1.0.0', latest: '1.0.0', available: false, pinned: false, nextLoad: '1.0.0', offline: false });
    await writeCheckpoint(join(root, 'serve', 'mnist'), await makeCheckpoint('1.1.0'));
    expect(await checkForUpdate(url, '1.0.0')).toEqual({ current: '1.0.0', latest: '1.1.0', available: true, pinned: false, nextLoad: '1.1.0', offline: false });
  });

  it('in a local directory (Node): reads its manifest.json', async () => {
    const directory = join(root, 'serve', 'mnist');
    await writeCheckpoint(directory, await makeCheckpoint('2.0.0'));
    expect(await checkForUpdate(directory, '1.0.0', { readLocal: localDirectorySource })).toMatchObject({ latest: '2.0.0', available: true, nextLoad: '2.0.0' });
  });

  it('reports, never throws: an unreachable server as offline, a missing manifest or a manifest object as an error', async () => {
    const missing = await checkForUpdate(`${server.url}nothing/manifest.json`, '1.0.0');
    expect(missing).toMatchObject({ current: '1.0.0', latest: undefined, available: false, nextLoad: undefined, offline: false, error: { code: 'E_FETCH_FAILED' } });
    expect(missing.error?.message).toMatch(/HTTP 404/);
    const inline = await checkForUpdate({ manifest: {}, baseUrl: server.url }, '1.0.0');
    expect(inline).toMatchObject({ available: false, offline: false, error: { code: 'E_INPUT_RANGE' } });
    const url = `${server.url}mnist/manifest.json`;
    await server.close();
    expect(await checkForUpdate(url, '1.0.0')).toMatchObject({ latest: undefined, available: false, offline: true, error: { code: 'E_FETCH_FAILED' } });
  });
});
