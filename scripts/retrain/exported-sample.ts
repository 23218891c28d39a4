import { SAMPLE_PIXEL_BYTES } from '../../sdk/src/samples/sample-wire.ts';

/** One line of GET /v1/samples/export that passed every check. */
export interface ExportedSample {
  readonly seq: number;
  readonly label: number;
  readonly pixels: Uint8Array;
}

/** Why a line was skipped; counted per reason in the report. */
export type SkipReason = 'not-json' | 'too-long' | 'bad-seq' | 'other-model' | 'unknown-label' | 'bad-pixels' | 'blank-image';

/** A real line is about 1.3 KB; anything far longer is refused before it is parsed. */
export const MAX_LINE_CHARS = 8192;

/** base64 of exactly 784 bytes, padded (the form the edge stores and exports). */
const PIXELS_BASE64 = /^[A-Za-z0-9+/]{1045}[AQgw]==$/;

/**
 * Checks one export line against the model's labels. A crafted line (wrong length, a label the
 * model does not have, non-numeric seq, NaN, extra nesting) is skipped with its reason, never
 * trusted: the training set only ever holds 784 bytes and a known label.
 */
export function readExportedLine(line: string, model: string, labels: readonly string[]): ExportedSample | SkipReason {
  if (line.length > MAX_LINE_CHARS) return 'too-long';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not-json';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not-json';
  const record = value as Record<string, unknown>;
  if (typeof record.seq !== 'number' || !Number.isSafeInteger(record.seq) || record.seq < 1) return 'bad-seq';
  if (record.model !== model) return 'other-model';
  const label = typeof record.label === 'string' ? labels.indexOf(record.label) : -1;
  if (label < 0) return 'unknown-label';
  if (typeof record.pixels !== 'string' || !PIXELS_BASE64.test(record.pixels)) return 'bad-pixels';
  const pixels = new Uint8Array(Buffer.from(record.pixels, 'base64'));
  if (pixels.length !== SAMPLE_PIXEL_BYTES) return 'bad-pixels';
  if (pixels.every((p) => p === 0)) return 'blank-image';
  return { seq: record.seq, label, pixels };
}
