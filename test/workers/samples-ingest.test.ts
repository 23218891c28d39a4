import { beforeAll, describe, expect, it } from 'vitest';
import { base64, createApp, postSamples, request, sample, setUpSampleStore, storedIds } from './sample-fixtures.ts';

beforeAll(setUpSampleStore);

describe('POST /v1/samples', () => {
  it('stores a valid batch and answers accepted, duplicates, rejected', async () => {
    const app = await createApp();
    const batch = [sample(), sample({ label: '7' }), sample({ user: 'alice' })];
    const { status, body } = await postSamples(app.key, batch);
    expect(status).toBe(200);
    expect(body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(await storedIds(app.id)).toEqual(batch.map((s) => s.id as string).sort());
  });

  it('the same batch sent twice is stored once: the retry reports duplicates', async () => {
    const app = await createApp();
    const batch = Array.from({ length: 20 }, () => sample({ user: 'bob' }));
    expect((await postSamples(app.key, batch)).body).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
    expect((await postSamples(app.key, batch)).body).toEqual({ accepted: 0, duplicates: 20, rejected: [] });
    expect((await storedIds(app.id)).length).toBe(20);
  });

  it('a repeated id inside one request is a duplicate when equal and a conflict when not', async () => {
    const app = await createApp();
    const first = sample();
    const { body } = await postSamples(app.key, [first, { ...first }, { ...first, label: first.label === '1' ? '2' : '1' }]);
    expect(body.accepted).toBe(1);
    expect(body.duplicates).toBe(1);
    expect(body.rejected).toEqual([expect.objectContaining({ index: 2, id: first.id, code: 'E_SAMPLE_CONFLICT' })]);
  });

  it('the same id with different content later is a per-sample conflict; the stored sample is unchanged', async () => {
    const app = await createApp();
    const original = sample({ label: '3' });
    await postSamples(app.key, [original]);
    const changed = { ...original, label: '4' };
    const other = sample();
    const { body } = await postSamples(app.key, [changed, other]);
    expect(body).toEqual({ accepted: 1, duplicates: 0, rejected: [expect.objectContaining({ index: 0, code: 'E_SAMPLE_CONFLICT' })] });
    const response = await request('/v1/samples/stats', { key: app.key });
    const { counts } = (await response.json()) as { counts: { label: string; count: number }[] };
    expect(counts.find((c) => c.label === '3')?.count).toBe(1);
    expect(counts.find((c) => c.label === '4')).toBeUndefined();
  });

  const invalid: ReadonlyArray<[string, Record<string, unknown>, string]> = [
    ['id missing', { id: undefined }, 'E_INPUT_TYPE'],
    ['id not a string', { id: 12345678901234567 }, 'E_INPUT_TYPE'],
    ['id too short', { id: 'abc' }, 'E_INPUT_RANGE'],
    ['id with a slash', { id: 'abcdefgh/ijklmnopq' }, 'E_INPUT_RANGE'],
    ['id too long', { id: 'a'.repeat(65) }, 'E_INPUT_RANGE'],
    ['model missing', { model: undefined }, 'E_INPUT_TYPE'],
    ['model unknown', { model: 'mnist-nope' }, 'E_NOT_FOUND'],
    ['model not a name', { model: '../x' }, 'E_NOT_FOUND'],
    ['version unknown', { version: '9.9.9' }, 'E_NOT_FOUND'],
    ['version malformed', { version: 'latest' }, 'E_NOT_FOUND'],
    ['label missing', { label: undefined }, 'E_INPUT_TYPE'],
    ['label not one of the model labels', { label: '10' }, 'E_INPUT_RANGE'],
    ['label a number', { label: 3 }, 'E_INPUT_TYPE'],
    ['pixels missing', { pixels: undefined }, 'E_INPUT_TYPE'],
    ['pixels 783 bytes', { pixels: btoa('x'.repeat(783)) }, 'E_INPUT_RANGE'],
    ['pixels 785 bytes', { pixels: btoa('x'.repeat(785)) }, 'E_INPUT_RANGE'],
    ['pixels not base64', { pixels: '!'.repeat(1048) }, 'E_INPUT_RANGE'],
    ['pixels as an array', { pixels: Array(784).fill(0) }, 'E_INPUT_TYPE'],
    ['pixels all black', { pixels: base64(new Uint8Array(784)) }, 'E_INPUT_RANGE'],
    ['pixels all white', { pixels: base64(new Uint8Array(784).fill(255)) }, 'E_INPUT_RANGE'],
    ['pixels one gray', { pixels: base64(new Uint8Array(784).fill(128)) }, 'E_INPUT_RANGE'],
    ['pixels nearly uniform (contrast 12 of 255)', { pixels: base64(new Uint8Array(784).map((_, i) => 100 + (i % 13))) }, 'E_INPUT_RANGE'],
    ['user empty', { user: '' }, 'E_INPUT_RANGE'],
    ['user too long', { user: 'u'.repeat(257) }, 'E_INPUT_RANGE'],
    ['user not a string', { user: { id: 1 } }, 'E_INPUT_TYPE'],
  ];
  for (const [what, override, code] of invalid) {
    it(`rejects a sample whose ${what} (${code}) and still stores the valid ones`, async () => {
      const app = await createApp();
      const good = [sample(), sample()];
      const bad = sample(override);
      const { status, body } = await postSamples(app.key, [good[0], bad, good[1]]);
      expect(status).toBe(200);
      expect(body.accepted).toBe(2);
      expect(body.rejected).toHaveLength(1);
      expect(body.rejected[0]).toMatchObject({ index: 1, code });
      expect(await storedIds(app.id)).toEqual(good.map((s) => s.id as string).sort());
    });
  }

  it('refuses a blank image as the SDK does ("contains no ink") and stores a faint but inked one', async () => {
    const app = await createApp();
    const blank = sample({ pixels: base64(new Uint8Array(784).fill(7)) });
    const faint = sample({ pixels: base64(new Uint8Array(784).map((_, i) => (i % 28 === 14 ? 13 : 0))) });
    const { body } = await postSamples(app.key, [blank, faint]);
    expect(body).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ index: 0, id: blank.id, code: 'E_INPUT_RANGE', reason: expect.stringContaining('samples[0].pixels contains no ink (the image is blank)') }],
    });
    expect(await storedIds(app.id)).toEqual([faint.id]);
  });

  it('refuses malformed envelopes with a 400, more than 256 samples and bodies over 1 MB with a 413', async () => {
    const app = await createApp();
    const post = (body: BodyInit) => request('/v1/samples', { method: 'POST', key: app.key, body });
    for (const body of ['', 'not json', '[]', '{"samples":{}}', '{"samples":[]}', 'null', '\xff\xfe']) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
    }
    const many = await post(JSON.stringify({ samples: Array.from({ length: 257 }, () => sample()) }));
    expect(many.status).toBe(413);
    const huge = await post(JSON.stringify({ samples: [sample({ user: 'x'.repeat(1024 * 1024) })] }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('E_INPUT_RANGE');
    expect(await storedIds(app.id)).toEqual([]);
  });
});
