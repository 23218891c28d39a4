import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { defaultHeadsDirectory, DirectoryHeadStore } from './directory-head-store.node.ts';
import { describeHeadStoreContract, makeKept, makeRecord, sameBytes } from './test-heads.ts';

let directory: string;
let warnings: EdgetuneError[];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'edgetune-heads-'));
  warnings = [];
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(directory, { recursive: true, force: true });
});

function storeIn(dir = directory, writeFileOverride?: (path: string, bytes: Uint8Array) => Promise<void>): DirectoryHeadStore {
  return new DirectoryHeadStore({ directory: dir, onWarning: (warning) => warnings.push(warning), ...(writeFileOverride ? { writeFile: writeFileOverride } : {}) });
}

describeHeadStoreContract('DirectoryHeadStore', async () => storeIn(await mkdtemp(join(directory, 'contract-'))));

describe('DirectoryHeadStore', () => {
  it('keeps heads across instances, one self-describing file per key', async () => {
    const record = makeRecord('alice');
    await storeIn().save(record);

    const again = storeIn();
    expect(sameBytes((await again.load('alice'))?.bytes, record.bytes)).toBe(true);
    expect(await readdir(directory)).toEqual([basename(again.pathOf('alice'))]);
    expect(basename(again.pathOf('alice'))).toMatch(/^[0-9a-f]{64}\.head$/);

    const file = await readFile(again.pathOf('alice'));
    const [magic, header] = file.toString('latin1').split('\n');
    expect(magic).toBe('edgetune-head-file 1');
    expect(JSON.parse(header!)).toMatchObject({ key: 'alice', model: 'mnist-mlp', version: '1.0.0', byteLength: record.bytes.length });
    expect(sameBytes(file.subarray(file.length - record.bytes.length), record.bytes)).toBe(true);
  });

  it('creates the directory on the first save and reads a missing one as empty', async () => {
    const store = storeIn(join(directory, 'not', 'yet'));
    expect(await store.list()).toEqual([]);
    expect(await store.load('alice')).toBeUndefined();
    expect(await store.delete('alice')).toBe(false);
    await store.save(makeRecord('alice'));
    expect((await store.list()).map((summary) => summary.key)).toEqual(['alice']);
    if (process.platform !== 'win32') expect((await stat(store.pathOf('alice'))).mode & 0o777).toBe(0o600);
  });

  it('writes to a temporary name in the same directory and renames it into place', async () => {
    const written: string[] = [];
    const store = storeIn(directory, async (path, bytes) => {
      written.push(path);
      await writeFile(path, bytes);
    });
    await store.save(makeRecord('alice'));
    expect(written).toHaveLength(1);
    expect(written[0]).not.toBe(store.pathOf('alice'));
    expect(dirname(written[0]!)).toBe(directory);
    expect(await readdir(directory)).toEqual([basename(store.pathOf('alice'))]);
  });

  it('keeps the previous head, and shows no partial file, when a save dies halfway', async () => {
    const previous = makeRecord('alice', 1);
    await storeIn().save(previous);

    const failing = storeIn(directory, async (path, bytes) => {
      await writeFile(path, bytes.subarray(0, bytes.length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    const error = await failing.save(makeRecord('alice', 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgetuneError);
    expect(error).toMatchObject({ code: ErrorCodes.HEAD_STORAGE, message: expect.stringMatching(/ENOSPC.*previous head under that key is unchanged/) });

    expect(await readdir(directory)).toEqual([basename(failing.pathOf('alice'))]);
    expect(sameBytes((await failing.load('alice'))?.bytes, previous.bytes)).toBe(true);
    expect(await failing.list()).toEqual([expect.objectContaining({ key: 'alice', steps: 21 })]);
  });

  it('leaves nothing under a new key when its first save dies halfway', async () => {
    const failing = storeIn(directory, async (path, bytes) => {
      await writeFile(path, bytes.subarray(0, 10));
      throw new Error('EIO');
    });
    await expect(failing.save(makeRecord('bob'))).rejects.toMatchObject({ code: ErrorCodes.HEAD_STORAGE });
    expect(await readdir(directory)).toEqual([]);
    expect(await failing.load('bob')).toBeUndefined();
  });

  it('ignores temporary files left by a crashed save', async () => {
    const store = storeIn();
    await store.save(makeRecord('alice'));
    await writeFile(`${store.pathOf('bob')}.0b7c2e4e-crash.tmp`, 'half a head');
    expect((await store.list()).map((summary) => summary.key)).toEqual(['alice']);
    expect(await store.load('bob')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('skips damaged files in list() with a warning, and reports them from load() as E_HEAD_INVALID', async () => {
    const store = storeIn();
    await store.save(makeRecord('good'));
    const record = makeRecord('flipped');
    await store.save(record);
    const flipped = await readFile(store.pathOf('flipped'));
    flipped[flipped.length - 1]! ^= 1;
    await writeFile(store.pathOf('flipped'), flipped);
    const truncated = await readFile(store.pathOf('good'));
    await writeFile(store.pathOf('cut'), truncated.subarray(0, truncated.length - 4));
    await writeFile(store.pathOf('garbage'), 'not a head at all');
    // A valid file under another key's name (copied by hand).
    await writeFile(store.pathOf('moved'), await readFile(store.pathOf('good')));

    expect((await store.list()).map((summary) => summary.key)).toEqual(['good']);
    expect(warnings).toHaveLength(4);
    expect(warnings.every((warning) => warning.code === ErrorCodes.HEAD_INVALID)).toBe(true);

    const reasons: Record<string, RegExp> = {
      flipped: /do not match their sha256/,
      cut: /holds \d+ head bytes, its header says \d+/,
      garbage: /does not start with "edgetune-head-file 1"/,
      moved: /holds the head of 'good'/,
    };
    for (const [key, reason] of Object.entries(reasons)) {
      const error = await store.load(key).catch((e: unknown) => e);
      expect(error, key).toBeInstanceOf(EdgetuneError);
      expect((error as EdgetuneError).code).toBe(ErrorCodes.HEAD_INVALID);
      expect((error as EdgetuneError).message).toMatch(reason);
      expect((error as EdgetuneError).message).toContain(`Delete it (delete('${key}')) and personalize again.`);
    }
    // A damaged head can be deleted and saved again.
    expect(await store.delete('flipped')).toBe(true);
    await store.save(record);
    expect(sameBytes((await store.load('flipped'))?.bytes, record.bytes)).toBe(true);
  });

  it('writes a head with kept samples as format 2, leaves format 1 byte for byte without, and refuses crafted format 2 files', async () => {
    const store = storeIn();
    await store.save(makeRecord('plain'));
    await store.save(makeRecord('kept', 0, { kept: makeKept(4) }));
    expect((await readFile(store.pathOf('plain'))).subarray(0, 21).toString()).toBe('edgetune-head-file 1\n');
    const file = await readFile(store.pathOf('kept'));
    expect(file.subarray(0, 21).toString()).toBe('edgetune-head-file 2\n');

    const headerEnd = file.indexOf(0x0a, 21);
    const header = JSON.parse(file.subarray(21, headerEnd).toString()) as Record<string, unknown> & { kept: Record<string, unknown> };
    const rewrite = (key: string, magic: string, edited: unknown, tail = file.subarray(headerEnd + 1)) =>
      writeFile(store.pathOf(key), Buffer.concat([Buffer.from(magic), Buffer.from(`${JSON.stringify(edited)}\n`), tail]));
    const pixelsFlipped = Buffer.from(file.subarray(headerEnd + 1));
    pixelsFlipped[pixelsFlipped.length - 1]! ^= 1;
    const crafted: Record<string, [Promise<void>, RegExp]> = {
      'kept-flipped': [rewrite('kept-flipped', 'edgetune-head-file 2\n', { ...header, key: 'kept-flipped' }, pixelsFlipped), /kept samples do not match their sha256/],
      'kept-in-1': [rewrite('kept-in-1', 'edgetune-head-file 1\n', { ...header, key: 'kept-in-1' }), /has "kept", which format 1 does not/],
      'kept-missing': [rewrite('kept-missing', 'edgetune-head-file 2\n', { ...header, key: 'kept-missing', kept: undefined }), /lacks "kept"/],
      'kept-negative': [rewrite('kept-negative', 'edgetune-head-file 2\n', { ...header, key: 'kept-negative', kept: { ...header.kept, byteLength: -1 } }), /not a byte count/],
      'kept-huge': [rewrite('kept-huge', 'edgetune-head-file 2\n', { ...header, key: 'kept-huge', kept: { ...header.kept, byteLength: 1e15 } }), /head bytes, its header says/],
      'kept-labels': [rewrite('kept-labels', 'edgetune-head-file 2\n', { ...header, key: 'kept-labels', kept: { ...header.kept, labels: ['1'] } }), /kept\.pixels must hold 1 x 784 bytes/],
    };
    for (const [key, [written, reason]] of Object.entries(crafted)) {
      await written;
      await expect(store.load(key), key).rejects.toMatchObject({ code: ErrorCodes.HEAD_INVALID, message: expect.stringMatching(reason) });
    }
    expect(sameBytes((await store.load('kept'))?.kept?.pixels, makeKept(4).pixels)).toBe(true);
  });

  it('reports an unusable directory as E_HEAD_STORAGE', async () => {
    const file = join(directory, 'a-file');
    await writeFile(file, '');
    const store = storeIn(file);
    await expect(store.save(makeRecord('alice'))).rejects.toMatchObject({ code: ErrorCodes.HEAD_STORAGE, message: expect.stringContaining('EDGETUNE_HEADS_DIR') });
    await expect(store.list()).rejects.toMatchObject({ code: ErrorCodes.HEAD_STORAGE });
  });

  it('defaults to $EDGETUNE_HEADS_DIR, else ~/.local/share/edgetune/heads', async () => {
    vi.stubEnv('EDGETUNE_HEADS_DIR', join(directory, 'env'));
    expect(defaultHeadsDirectory()).toBe(join(directory, 'env'));
    expect(new DirectoryHeadStore().directory).toBe(join(directory, 'env'));
    vi.stubEnv('EDGETUNE_HEADS_DIR', '');
    expect(defaultHeadsDirectory()).toBe(join(homedir(), '.local', 'share', 'edgetune', 'heads'));
  });

  it('refuses a FIFO in place of a head with E_HEAD_INVALID instead of blocking, skips it in list(), and a save replaces it', async () => {
    const store = storeIn();
    await storeIn().save(makeRecord('bob'));
    execFileSync('mkfifo', [store.pathOf('alice')]);

    await expect(store.load('alice')).rejects.toMatchObject({ code: ErrorCodes.HEAD_INVALID, message: expect.stringMatching(/not a regular file/) });
    expect((await store.list()).map((head) => head.key)).toEqual(['bob']);
    expect(warnings).toEqual([expect.objectContaining({ code: ErrorCodes.HEAD_STORAGE, message: expect.stringMatching(/not a regular file/) })]);

    const record = makeRecord('alice');
    await store.save(record);
    expect(sameBytes((await store.load('alice'))?.bytes, record.bytes)).toBe(true);
  }, 20_000);
});
