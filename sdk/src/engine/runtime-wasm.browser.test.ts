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

/**
 * ANSWER_WASM with a custom section (ignored by the engine) of `padding` bytes: a module that
 * spans several 1 MiB reads, as ORT's 14 MB wasm does.
 */
function paddedAnswerWasm(padding: number): Uint8Array<ArrayBuffer> {
  const name = new TextEncoder().encode('pad');
  const payload = 1 + name.byteLength + padding;
  const size: number[] = [];
  for (let rest = payload; ; rest >>>= 7) {
    if (rest < 0x80) {
      size.push(rest);
      break;
    }
    size.push((rest & 0x7f) | 0x80);
  }
  const section = new Uint8Array(1 + size.length + payload);
  section.set([0x00, ...size, name.byteLength, ...name]);
  const out = new Uint8Array(ANSWER_WASM.byteLength + section.byteLength);
  out.set(ANSWER_WASM);
  out.set(section, ANSWER_WASM.byteLength);
  return out;
}

/** A host serving the wasm under `type`: blob URLs answer with the blob's type. */
function served(type: string, wasm: Uint8Array<ArrayBuffer> = ANSWER_WASM): URL {
  const url = URL.createObjectURL(new Blob([wasm], { type }));
  urls.push(url);
  return new URL(url);
}

async function pin(wasm: Uint8Array<ArrayBuffer> = ANSWER_WASM, sha256?: string): Promise<PinnedFile> {
  return { file: 'answer.wasm', sha256: sha256 ?? (await sha256Hex(wasm)), bytes: wasm.byteLength };
}

/** More than one BYOB read (1 MiB) and the Cache API's 1 MiB write chunks: a large wasm, as ORT's 14 MB is. */
const MIB = 1 << 20;

afterEach(() => {
  for (const url of urls.splice(0)) URL.revokeObjectURL(url);
});

describe('openRuntimeWasm', () => {
  it.each(['application/wasm', 'application/octet-stream'])('compiles a download served as %s and hands out the module once verified', async (type) => {
    const wasm = await openRuntimeWasm(await pin(), served(type), false, () => undefined);
    await wasm.verified;
    const instance = await WebAssembly.instantiate(await wasm.verifiedModule);
    expect((instance.exports['answer'] as () => number)()).toBe(42);
  });

  it('reads, verifies and compiles a download of several megabytes, reporting its bytes in order', async () => {
    const wasm = paddedAnswerWasm(2 * MIB + 12_345);
    const seen: number[] = [];
    const opened = await openRuntimeWasm(await pin(wasm), served('application/wasm', wasm), false, (bytes) => seen.push(bytes.fileLoaded));
    await opened.verified;
    const instance = await WebAssembly.instantiate(await opened.verifiedModule);
    expect((instance.exports['answer'] as () => number)()).toBe(42);
    expect(seen.at(-1)).toBe(wasm.byteLength);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('refuses a download that differs from its pin in one byte in the middle', async () => {
    const wasm = paddedAnswerWasm(2 * MIB);
    const pinned = await pin(wasm);
    const tampered = wasm.slice();
    tampered[MIB + 17]! ^= 1;
    const opened = await openRuntimeWasm(pinned, served('application/wasm', tampered), false, () => undefined);
    await expect(opened.verified).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    await expect(opened.verifiedModule).rejects.toMatchObject({ code: 'E_INTEGRITY' });
  });

  it('refuses a download one byte shorter than its pin', async () => {
    const wasm = paddedAnswerWasm(MIB);
    const opened = await openRuntimeWasm(await pin(wasm), served('application/wasm', wasm.slice(0, -1)), false, () => undefined);
    await expect(opened.verified).rejects.toMatchObject({ code: 'E_INTEGRITY' });
  });

  it('runs the pinned bytes of a longer download and ignores what follows them', async () => {
    const wasm = paddedAnswerWasm(MIB);
    const longer = new Uint8Array(wasm.byteLength + 3);
    longer.set(wasm);
    longer.set([1, 2, 3], wasm.byteLength);
    const opened = await openRuntimeWasm(await pin(wasm), served('application/wasm', longer), false, () => undefined);
    await opened.verified;
    const instance = await WebAssembly.instantiate(await opened.verifiedModule);
    expect((instance.exports['answer'] as () => number)()).toBe(42);
  });

  it('never hands out a module compiled from bytes that fail their pinned hash', async () => {
    const wasm = await openRuntimeWasm(await pin(ANSWER_WASM, '0'.repeat(64)), served('application/wasm'), false, () => undefined);
    await expect(wasm.verified).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    await expect(wasm.verifiedModule).rejects.toMatchObject({ code: 'E_INTEGRITY' });

    // What ONNX Runtime's glue calls: answered from the verified module only, so it fails too.
    const restore = handOverCompiledWasm(wasm.standIn, wasm.verifiedModule);
    try {
      await expect(WebAssembly.instantiate(new Uint8Array(wasm.standIn), {})).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    } finally {
      restore();
    }
  });
});
