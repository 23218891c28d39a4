import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, readExportedLine } from './exported-sample.ts';

const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const digit = new Uint8Array(784).map((_, i) => (i % 29 === 0 ? 200 : 0));
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ seq: 7, id: 'abcdefghijklmnop', model: 'mnist-mlp', version: '1.1.0', label: '3', pixels: Buffer.from(digit).toString('base64'), ...fields });

describe('an export line, checked before it reaches training', () => {
  it('reads a valid line as the label index and 784 bytes', () => {
    const sample = readExportedLine(line({}), 'mnist-mlp', LABELS);
    expect(sample).toMatchObject({ seq: 7, label: 3 });
    expect(typeof sample === 'object' && [...sample.pixels]).toEqual([...digit]);
  });

  it.each([
    ['not JSON', '{"seq":', 'not-json'],
    ['an array', '[1,2,3]', 'not-json'],
    ['a huge line', `{"pad":"${'x'.repeat(MAX_LINE_CHARS)}"}`, 'too-long'],
    ['a fractional seq', line({ seq: 1.5 }), 'bad-seq'],
    ['a string seq', line({ seq: '7' }), 'bad-seq'],
    ['another model', line({ model: 'mnist-cnn' }), 'other-model'],
    ['an unknown label', line({ label: '10' }), 'unknown-label'],
    ['a numeric label', line({ label: 3 }), 'unknown-label'],
    ['783 bytes', line({ pixels: Buffer.from(digit.subarray(1)).toString('base64') }), 'bad-pixels'],
    ['785 bytes', line({ pixels: Buffer.from([...digit, 1]).toString('base64') }), 'bad-pixels'],
    ['pixels as NaN floats', line({ pixels: Array.from({ length: 784 }, () => Number.NaN) }), 'bad-pixels'],
    ['non-base64 characters', line({ pixels: `${'!'.repeat(1045)}A==` }), 'bad-pixels'],
    ['a blank image', line({ pixels: Buffer.alloc(784).toString('base64') }), 'blank-image'],
  ])('skips %s', (_, text, reason) => {
    expect(readExportedLine(text, 'mnist-mlp', LABELS)).toBe(reason);
  });
});
