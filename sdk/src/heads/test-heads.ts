/** Test helpers that run in Node and in the browser: heads with awkward float bits, and a HeadStore contract. */
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.ts';
import { encodeHead, type HeadParameters } from './head-codec.ts';
import type { HeadRecord } from './head-record.ts';
import type { HeadStore } from './head-store.ts';

/** Finite bit patterns a lossy path would change: -0, subnormals, the smallest normal, the largest floats. */
export const AWKWARD_BITS = [0x80000000, 0x00000001, 0x007fffff, 0x80000001, 0x00800000, 0xff7fffff, 0x7f7fffff, 0x3f800000];

export function floatsFromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

export function bitsOf(data: Float32Array): number[] {
  return [...new Uint32Array(data.buffer, data.byteOffset, data.length)];
}

/** A 4x2 weight and 2-bias head; `seed` varies the values so two heads differ. */
export function makeParameters(seed = 0): HeadParameters {
  const weight = floatsFromBits(AWKWARD_BITS);
  weight[7] = seed + 0.5;
  return new Map([
    ['head.0.weight', { shape: [4, 2], data: weight }],
    ['head.0.bias', { shape: [2], data: Float32Array.of(-0, seed) }],
  ]);
}

export function makeRecord(key: string, seed = 0, extra: Partial<HeadRecord> = {}): HeadRecord {
  return {
    key,
    model: 'mnist-mlp',
    version: '1.0.0',
    savedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seed)).toISOString(),
    bytes: encodeHead(makeParameters(seed), { model: 'mnist-mlp', version: '1.0.0', steps: 20 + seed }),
    steps: 20 + seed,
    samples: 8,
    ...extra,
  };
}

/** `count` kept samples with recognisable pixels. */
export function makeKept(count = 3): NonNullable<HeadRecord['kept']> {
  const pixels = new Uint8Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31) % 256;
  return { pixels, labels: Array.from({ length: count }, (_, i) => String(i % 10)), settings: { steps: 20, learningRate: 0.003, batchSize: 32, momentum: 0.9, l2Sp: 0.1, seed: 0 } };
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Behaviour every HeadStore shares; `open` returns a store over fresh, empty storage. */
export function describeHeadStoreContract(name: string, open: () => Promise<HeadStore>): void {
  describe(`${name} (HeadStore contract)`, () => {
    it('saves, loads, lists and deletes a head, bytes unchanged', async () => {
      const store = await open();
      const record = makeRecord('alice');
      await store.save(record);

      const loaded = await store.load('alice');
      expect(loaded).toMatchObject({ key: 'alice', model: 'mnist-mlp', version: '1.0.0', savedAt: record.savedAt, steps: 20, samples: 8 });
      expect(sameBytes(loaded?.bytes, record.bytes)).toBe(true);
      expect(await store.list()).toEqual([
        { key: 'alice', model: 'mnist-mlp', version: '1.0.0', savedAt: record.savedAt, steps: 20, samples: 8, byteLength: record.bytes.length },
      ]);

      expect(await store.delete('alice')).toBe(true);
      expect(await store.delete('alice')).toBe(false);
      expect(await store.load('alice')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('reads an absent key as undefined', async () => {
      const store = await open();
      expect(await store.load('nobody')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('replaces the head under a key on overwrite and keeps other keys apart', async () => {
      const store = await open();
      await store.save(makeRecord('alice', 1));
      await store.save(makeRecord('Alice', 2));
      const newer = makeRecord('alice', 3, { samples: undefined });
      await store.save(newer);

      const loaded = await store.load('alice');
      expect(sameBytes(loaded?.bytes, newer.bytes)).toBe(true);
      expect(loaded?.steps).toBe(23);
      expect(loaded?.samples).toBeUndefined();
      expect(sameBytes((await store.load('Alice'))?.bytes, makeRecord('Alice', 2).bytes)).toBe(true);
      expect((await store.list()).map((summary) => summary.key)).toEqual(['Alice', 'alice']);
    });

    it('accepts any valid key, up to 128 characters of any script', async () => {
      const store = await open();
      const keys = ['日本語のキー'.repeat(21).slice(0, 128), '../../etc/passwd', 'a/b\\c:*?"<>|', '😀'.repeat(64), 'CON', '.'];
      for (const [i, key] of keys.entries()) await store.save(makeRecord(key, i));
      for (const [i, key] of keys.entries()) expect(sameBytes((await store.load(key))?.bytes, makeRecord(key, i).bytes)).toBe(true);
      expect((await store.list()).map((summary) => summary.key)).toEqual([...keys].sort());
    });

    it('rejects invalid keys and records with input errors naming the field', async () => {
      const store = await open();
      await expect(store.load('')).rejects.toMatchObject({ name: 'RangeError', code: ErrorCodes.INPUT_RANGE, message: expect.stringMatching(/^key /) });
      await expect(store.delete(42 as unknown as string)).rejects.toMatchObject({ name: 'TypeError', code: ErrorCodes.INPUT_TYPE });
      await expect(store.load('x'.repeat(129))).rejects.toMatchObject({ code: ErrorCodes.INPUT_RANGE });
      await expect(store.save(makeRecord('a\nb'))).rejects.toThrow(/record\.key must not contain control characters, found U\+000A at index 1/);
      await expect(store.save({ ...makeRecord('a'), model: '' })).rejects.toThrow(/record\.model/);
      await expect(store.save({ ...makeRecord('a'), savedAt: 'yesterday' })).rejects.toThrow(/record\.savedAt/);
      await expect(store.save({ ...makeRecord('a'), steps: -1 })).rejects.toThrow(/record\.steps/);
      await expect(store.save({ ...makeRecord('a'), bytes: [1, 2] as unknown as Uint8Array })).rejects.toMatchObject({ code: ErrorCodes.INPUT_TYPE });
      expect(await store.list()).toEqual([]);
    });

    it('keeps the samples saved with a head, pixels, labels and settings unchanged, and counts them in list()', async () => {
      const store = await open();
      const kept = makeKept(5);
      await store.save(makeRecord('alice', 0, { kept }));
      await store.save(makeRecord('bob'));
      const loaded = await store.load('alice');
      expect(sameBytes(loaded?.kept?.pixels, kept.pixels)).toBe(true);
      expect(loaded?.kept).toMatchObject({ labels: kept.labels, settings: kept.settings });
      expect((await store.load('bob'))?.kept).toBeUndefined();
      expect((await store.list()).map((summary) => [summary.key, summary.keptSamples])).toEqual([['alice', 5], ['bob', undefined]]);
      // Saving again without samples drops them (the user withdrew consent).
      await store.save(makeRecord('alice'));
      expect((await store.load('alice'))?.kept).toBeUndefined();
    });

    it('refuses kept samples that are malformed, naming the field, and stores nothing', async () => {
      const store = await open();
      const kept = makeKept(2);
      const bad: Array<[unknown, RegExp]> = [
        [{ ...kept, labels: 'a' }, /record\.kept\.labels must be an array/],
        [{ ...kept, labels: [] }, /record\.kept\.labels must hold 1 to/],
        [{ ...kept, labels: ['1', ''] }, /record\.kept\.labels\[1\]/],
        [{ ...kept, labels: ['1', 'x'.repeat(257)] }, /record\.kept\.labels\[1\]/],
        [{ ...kept, pixels: new Uint8Array(784) }, /record\.kept\.pixels must hold 2 x 784 bytes/],
        [{ ...kept, pixels: Array.from(kept.pixels) }, /record\.kept\.pixels must be a Uint8Array/],
        [{ ...kept, settings: { ...kept.settings, steps: Number.NaN } }, /record\.kept\.settings/],
        [{ ...kept, settings: null }, /record\.kept\.settings/],
        [{ ...makeKept(1001) }, /record\.kept\.labels must hold 1 to 1000/],
      ];
      for (const [value, message] of bad) await expect(store.save({ ...makeRecord('a'), kept: value as never })).rejects.toThrow(message);
      expect(await store.list()).toEqual([]);
    });

    it('is not affected by changes to the saved or the loaded bytes', async () => {
      const store = await open();
      const record = makeRecord('alice');
      const original = record.bytes.slice();
      await store.save(record);
      record.bytes.fill(0);
      const loaded = await store.load('alice');
      expect(sameBytes(loaded?.bytes, original)).toBe(true);
      loaded!.bytes.fill(1);
      expect(sameBytes((await store.load('alice'))?.bytes, original)).toBe(true);
    });
  });
}
