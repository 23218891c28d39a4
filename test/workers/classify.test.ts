import { exports } from 'cloudflare:workers';
import { encode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse } from '../../workers/src/routes/classify.ts';
import { fixtures, fromBase64, publishCommittedModels } from './edge-fixtures.ts';
import { PARITY_COUNT } from './provided.ts';

const PIXELS = 784;
const classifyUrl = (model: string) => `http://edge.test/v1/models/${model}/classify`;
const post = (body: BodyInit, type: string | undefined, model = 'mnist-cnn', extra: Record<string, string> = {}) =>
  exports.default.fetch(classifyUrl(model), { method: 'POST', body, headers: { ...(type ? { 'Content-Type': type } : {}), ...extra } });
const json = (value: unknown) => JSON.stringify(value);
const blankImage = () => new Array<number>(PIXELS).fill(0);

async function expectError(response: Response, status: number, code: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code, text).toBe(code);
}

beforeAll(publishCommittedModels);

describe('POST /v1/models/:name/classify: parity with onnxruntime-node', () => {
  for (const model of ['mnist-mlp', 'mnist-cnn']) {
    it(`${model}: ${PARITY_COUNT} MNIST test images as uint8 bytes and as JSON floats match within 1e-4`, async () => {
      const images = fromBase64(fixtures().images);
      const reference = fixtures().referenceProbs[model]!;
      const floats = Array.from({ length: PARITY_COUNT }, (_, i) => Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => v / 255));
      for (let start = 0; start < PARITY_COUNT; start += 50) {
        const binary = await post(images.slice(start * PIXELS, (start + 50) * PIXELS), 'application/octet-stream', model);
        const fromJson = await post(json({ inputs: floats.slice(start, start + 50) }), 'application/json', model);
        for (const response of [binary, fromJson]) {
          expect(response.status).toBe(200);
          const body = (await response.json()) as ClassifyResponse;
          expect(body.model).toBe(model);
          expect(body.predictions).toHaveLength(50);
          body.predictions.forEach((prediction, i) => {
            const expected = reference.slice((start + i) * 10, (start + i + 1) * 10);
            const worst = Math.max(...prediction.scores.map((score, c) => Math.abs(score - expected[c]!)));
            expect(worst).toBeLessThanOrEqual(1e-4);
            expect(prediction.index).toBe(expected.indexOf(Math.max(...expected)));
            expect(prediction.top).toHaveLength(3);
            expect(prediction.top[0]!.label).toBe(prediction.label);
          });
        }
      }
    });
  }

  it('a large dark-on-light RGBA PNG gets the answer the SDK computes for the same image', async () => {
    for (const model of ['mnist-mlp', 'mnist-cnn']) {
      const response = await post(fromBase64(fixtures().png.bytes), 'image/png', model);
      expect(response.status).toBe(200);
      const [prediction] = ((await response.json()) as ClassifyResponse).predictions;
      const expected = fixtures().png.probs[model]!;
      prediction!.scores.forEach((score, c) => expect(Math.abs(score - expected[c]!)).toBeLessThanOrEqual(1e-4));
    }
  });

  it('answers a named version, and topK', async () => {
    const manifest = JSON.parse(fixtures().checkpoints.find((c) => c.name === 'mnist-cnn')!.manifest) as { version: string };
    const response = await exports.default.fetch(`http://edge.test/v1/models/mnist-cnn/${manifest.version}/classify?topK=5`, {
      method: 'POST',
      body: fromBase64(fixtures().images).slice(0, PIXELS),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    const body = (await response.json()) as ClassifyResponse;
    expect(body.version).toBe(manifest.version);
    expect(body.predictions[0]!.top).toHaveLength(5);
    expect(typeof body.inferenceMs).toBe('number');
  });

  it('concurrent requests share one session and each gets its own answer', async () => {
    const images = fromBase64(fixtures().images);
    const reference = fixtures().referenceProbs['mnist-cnn']!;
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) => post(images.slice(i * PIXELS, (i + 1) * PIXELS), 'application/octet-stream')),
    );
    for (const [i, response] of responses.entries()) {
      const [prediction] = ((await response.json()) as ClassifyResponse).predictions;
      prediction!.scores.forEach((score, c) => expect(Math.abs(score - reference[i * 10 + c]!)).toBeLessThanOrEqual(1e-4));
    }
  });
});

describe('POST /v1/models/:name/classify: malformed bodies get a 4xx, never a 500', () => {
  it('JSON: wrong length, NaN, strings, empty, not JSON, extra fields, out of range', async () => {
    await expectError(await post(json({ inputs: [new Array(783).fill(0)] }), 'application/json'), 400, 'E_INPUT_RANGE');
    await expectError(await post(json({ inputs: [] }), 'application/json'), 400, 'E_INPUT_RANGE');
    await expectError(await post(`{"inputs": [[${new Array(784).fill('NaN').join(',')}]]}`, 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(json({ inputs: [blankImage().map(String)] }), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(json({ inputs: 'pixels' }), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(json({ images: [blankImage()] }), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(json([blankImage()]), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post('{"inputs": [[0, 0', 'application/json'), 400, 'E_INPUT_TYPE');
    const tooBright = blankImage();
    tooBright[17] = 255;
    await expectError(await post(json({ inputs: [tooBright] }), 'application/json'), 400, 'E_INPUT_RANGE');
    const negative = blankImage();
    negative[3] = -0.5;
    await expectError(await post(json({ inputs: [negative] }), 'application/json'), 400, 'E_INPUT_RANGE');
  });

  it('JSON: a valid image beside a bad one, an extra field or a number beyond float range', async () => {
    const inked = blankImage();
    inked[400] = 1;
    const withString: unknown[] = [...inked];
    withString[500] = '0.5';
    await expectError(await post(json({ inputs: [inked, withString] }), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(json({ inputs: [inked, inked.slice(1)] }), 'application/json'), 400, 'E_INPUT_RANGE');
    await expectError(await post(json({ inputs: [inked, null] }), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(json({ inputs: [inked], topK: 3 }), 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(`{"__proto__": {}, "inputs": [${JSON.stringify(inked)}]}`, 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post('null', 'application/json'), 400, 'E_INPUT_TYPE');
    await expectError(await post(`{"inputs": [[1e999${',0'.repeat(PIXELS - 1)}]]}`, 'application/json'), 400, 'E_INPUT_RANGE');
    const answer = (await (await post(json({ inputs: [inked, inked] }), 'application/json')).json()) as ClassifyResponse;
    expect(answer.predictions).toHaveLength(2);
    expect(answer.predictions[1]!.scores).toEqual(answer.predictions[0]!.scores);
  });

  it('an empty body, of any type', async () => {
    for (const type of ['application/json', 'application/octet-stream', 'image/png']) await expectError(await post(new Uint8Array(0), type), 400, 'E_INPUT_RANGE');
  });

  it('raw bytes that are not a whole number of 28x28 images', async () => {
    await expectError(await post(new Uint8Array(785), 'application/octet-stream'), 400, 'E_INPUT_RANGE');
    await expectError(await post(new Uint8Array(100), 'application/octet-stream'), 400, 'E_INPUT_RANGE');
  });

  it('more than 64 images: 413', async () => {
    await expectError(await post(new Uint8Array(65 * PIXELS), 'application/octet-stream'), 413, 'E_INPUT_RANGE');
    await expectError(await post(json({ inputs: Array.from({ length: 65 }, () => new Array(784).fill(0)) }), 'application/json'), 413, 'E_INPUT_RANGE');
  });

  it('more than 1 MiB: 413, declared or streamed', async () => {
    await expectError(await post(new Uint8Array(1024 * 1024 + 1), 'application/octet-stream'), 413, 'E_INPUT_RANGE');
    const chunk = new Uint8Array(256 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await expectError(await post(stream, 'application/octet-stream'), 413, 'E_INPUT_RANGE');
  });

  it('a wrong or missing content type: 415', async () => {
    await expectError(await post('hello', 'text/plain'), 415, 'E_INPUT_TYPE');
    await expectError(await post(new Uint8Array(PIXELS), undefined), 415, 'E_INPUT_TYPE');
    await expectError(await post(new Uint8Array(PIXELS), 'image/jpeg'), 415, 'E_INPUT_TYPE');
  });

  it('a corrupt PNG: bad signature, cut short, damaged data', async () => {
    const png = fromBase64(fixtures().png.bytes);
    await expectError(await post(new Uint8Array(PIXELS), 'image/png'), 400, 'E_INPUT_TYPE');
    await expectError(await post(png.slice(0, 60), 'image/png'), 400, 'E_INPUT_TYPE');
    const damaged = png.slice();
    for (let i = 60; i < 120; i++) damaged[i] = damaged[i]! ^ 0x5a;
    await expectError(await post(damaged, 'image/png'), 400, 'E_INPUT_TYPE');
  });

  it('a 10,000 x 10,000 PNG is refused from its header, before decoding', async () => {
    // The IHDR of a real 1 x 1 PNG, rewritten to claim 10,000 x 10,000 pixels.
    const png = encode({ width: 1, height: 1, data: new Uint8Array([0]), channels: 1, depth: 8 });
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    view.setUint32(16, 10_000);
    view.setUint32(20, 10_000);
    await expectError(await post(png, 'image/png'), 413, 'E_INPUT_RANGE');
  });

  it('a blank PNG (no ink) names the problem', async () => {
    const png = encode({ width: 40, height: 40, data: new Uint8Array(40 * 40).fill(255), channels: 1, depth: 8 });
    await expectError(await post(png, 'image/png'), 400, 'E_INPUT_RANGE');
  });

  it('PNGs of every colour type and depth decode to the same pixels as 8-bit gray', async () => {
    const digit = fromBase64(fixtures().images).subarray(0, PIXELS);
    const binary = digit.map((v) => (v > 127 ? 255 : 0));
    const gray8 = (data: Uint8Array) => encode({ width: 28, height: 28, data, channels: 1, depth: 8 });
    const rgb16 = new Uint16Array(PIXELS * 3);
    digit.forEach((v, i) => (rgb16[i * 3] = rgb16[i * 3 + 1] = rgb16[i * 3 + 2] = v * 257));
    const grayAlpha = new Uint8Array(PIXELS * 2);
    digit.forEach((v, i) => ((grayAlpha[i * 2] = v), (grayAlpha[i * 2 + 1] = 255)));
    const bits = new Uint8Array(28 * 4);
    binary.forEach((v, i) => {
      if (v) bits[Math.floor(i / 28) * 4 + ((i % 28) >> 3)]! |= 0x80 >> (i % 28) % 8;
    });
    const cases: Array<[string, Uint8Array, Uint8Array]> = [
      ['16-bit RGB', encode({ width: 28, height: 28, data: rgb16, channels: 3, depth: 16 }), gray8(digit)],
      ['gray + alpha', encode({ width: 28, height: 28, data: grayAlpha, channels: 2, depth: 8 }), gray8(digit)],
      ['1-bit gray', encode({ width: 28, height: 28, data: bits, channels: 1, depth: 1 }), gray8(binary)],
      ['palette', encode({ width: 28, height: 28, data: binary.map((v) => (v ? 1 : 0)), channels: 1, depth: 8, palette: [[0, 0, 0], [255, 255, 255]] }), gray8(binary)],
    ];
    for (const [kind, png, reference] of cases) {
      const response = await post(png, 'image/png');
      expect(response.status, `${kind}: ${await response.clone().text()}`).toBe(200);
      const expected = ((await (await post(reference, 'image/png')).json()) as ClassifyResponse).predictions[0]!.scores;
      const actual = ((await response.json()) as ClassifyResponse).predictions[0]!.scores;
      actual.forEach((score, c) => expect(Math.abs(score - expected[c]!), kind).toBeLessThanOrEqual(1e-6));
    }
  });

  it('bad topK, unknown model or version: 4xx', async () => {
    const badTopK = await exports.default.fetch(`${classifyUrl('mnist-cnn')}?topK=zero`, {
      method: 'POST',
      body: new Uint8Array(PIXELS),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    await expectError(badTopK, 400, 'E_INPUT_RANGE');
    await expectError(await post(new Uint8Array(PIXELS), 'application/octet-stream', 'no-such-model'), 404, 'E_NOT_FOUND');
    const response = await exports.default.fetch('http://edge.test/v1/models/mnist-cnn/9.9.9/classify', {
      method: 'POST',
      body: new Uint8Array(PIXELS),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    await expectError(response, 404, 'E_NOT_FOUND');
  });
});
