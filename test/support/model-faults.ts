import type { ServerResponse } from 'node:http';
import { sendJsonError, setModelHeaders } from './http-replies.ts';
import type { ModelFile } from './model-file.ts';

/**
 * Deterministic ways a model download can go wrong, for integrity and retry tests.
 * Faulty responses keep the real file's headers (ETag included): the server claims a good file.
 */
export const FAULT_MODES = {
  'flip-byte': 'full length, the middle byte inverted',
  truncate: 'the first half of the bytes, with a matching Content-Length',
  abort: 'the full Content-Length announced, the connection dropped after half the bytes',
  slow: 'the whole file in 8 chunks, ?delayMs= (default 100) apart',
  '404': 'not found JSON',
  '500': 'internal error JSON',
} as const;

export type FaultMode = keyof typeof FAULT_MODES;

export function isFaultMode(value: string): value is FaultMode {
  return Object.hasOwn(FAULT_MODES, value);
}

const SLOW_CHUNKS = 8;
const DEFAULT_DELAY_MS = 100;
const MAX_DELAY_MS = 10_000;

export function flipMiddleByte(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const middle = Math.floor(copy.length / 2);
  copy[middle] = (copy[middle] ?? 0) ^ 0xff;
  return copy;
}

export async function sendFaultyModelFile(res: ServerResponse, file: ModelFile, mode: FaultMode, delayMs: number): Promise<void> {
  const { bytes } = file;
  const half = bytes.subarray(0, Math.floor(bytes.length / 2));
  switch (mode) {
    case 'flip-byte':
      setModelHeaders(res, file, bytes.length);
      res.end(flipMiddleByte(bytes));
      return;
    case 'truncate':
      setModelHeaders(res, file, half.length);
      res.end(half);
      return;
    case 'abort':
      setModelHeaders(res, file, bytes.length);
      res.write(half, () => res.destroy());
      return;
    case 'slow': {
      setModelHeaders(res, file, bytes.length);
      res.flushHeaders();
      const delay = Number.isFinite(delayMs) ? Math.min(Math.max(0, delayMs), MAX_DELAY_MS) : DEFAULT_DELAY_MS;
      const chunkSize = Math.ceil(bytes.length / SLOW_CHUNKS);
      for (let start = 0; start < bytes.length && !res.destroyed; start += chunkSize) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        res.write(bytes.subarray(start, start + chunkSize));
      }
      res.end();
      return;
    }
    case '404':
      sendJsonError(res, 404, 'E_NOT_FOUND', 'simulated fault: model file not found');
      return;
    case '500':
      sendJsonError(res, 500, 'E_INTERNAL', 'simulated fault: internal server error');
      return;
  }
}
