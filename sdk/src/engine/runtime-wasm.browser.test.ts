/** Runs in Chromium (vitest browser project): the real streaming compiler behind openRuntimeWasm. */
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../loading/bytes.ts';
import { handOverCompiledWasm } from './compiled-wasm-handoff.browser.ts';
import type { PinnedFile } from './ort-web-files.browser.ts';
import { openRuntimeWasm } from './runtime-wasm.browser.ts';

/** `(module (func (export "answer") (result i32) i32.const 42))` */
const ANSWER_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06,
  0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);

const urls: string[] = [];

/** A host serving the wasm under `type`: blob URLs answer with the blob's type. */
function served(type: string): URL {
  const url = URL.createObjectURL(new Blob([ANSWER_WASM], { type }));
  urls.push(url);
  return new URL(url);
}

async function pin(sha256?: string): Promise<PinnedFile> {
  return { file: 'answer.wasm', sha256: sha256 ?? (await sha256Hex(ANSWER_WASM)), bytes: ANSWER_WASM.byteLength };
}

afterEach(() => {
  for (const url of urls.splice(0)) URL.revokeObjectURL(url);
});

describe('openRuntimeWasm', () => {
  it.each(['application/wasm', 'application/octet-stream'])('compiles a download served as %s and hands out the module once verified', async (type) => {
    const wasm = await openRuntimeWasm(await pin(), served(type), false, () => undefined);
    await wasm.verified;
    const instance = await WebAssembly.instantiate(await wasm.verifiedModule);
    expect((instance.exports['answer'] as () => number)()).toBe(42);
    expect(new Uint8Array(wasm.buffer)).toEqual(ANSWER_WASM);
  });

  it('never hands out a module compiled from bytes that fail their pinned hash', async () => {
    const wasm = await openRuntimeWasm(await pin('0'.repeat(64)), served('application/wasm'), false, () => undefined);
    await expect(wasm.verified).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    await expect(wasm.verifiedModule).rejects.toMatchObject({ code: 'E_INTEGRITY' });

    // What ONNX Runtime's glue calls: answered from the verified module only, so it fails too.
    const restore = handOverCompiledWasm(wasm.buffer, wasm.verifiedModule);
    try {
      await expect(WebAssembly.instantiate(new Uint8Array(wasm.buffer), {})).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    } finally {
      restore();
    }
  });
});
