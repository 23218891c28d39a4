import type { NativeGate } from './native-gate.node.ts';
import type { InferenceSession, OrtModule, RuntimeSelector } from './ort-types.ts';

/**
 * A runtime selector whose ONNX Runtime passes every native call (loading the addon, session
 * creation, run, release) through the gate, so the host can stop the worker only between them.
 * Wrapping the module, not its callers, covers every session the engine and the personalization
 * host create.
 */
export function gateRuntime(select: RuntimeSelector, gate: NativeGate): RuntimeSelector {
  return async (request, threads) => {
    // Selecting imports onnxruntime-node, whose addon calls into JS as it initialises: native too.
    const runtime = await gate.run(() => select(request, threads));
    return { ...runtime, ort: gateOrt(runtime.ort, gate) };
  };
}

function gateOrt(ort: OrtModule, gate: NativeGate): OrtModule {
  const create = (...args: unknown[]) =>
    gate.run(async () => gateSession(await (ort.InferenceSession.create as (...a: unknown[]) => Promise<InferenceSession>)(...args), gate));
  return { Tensor: ort.Tensor, env: ort.env, InferenceSession: { create } as unknown as OrtModule['InferenceSession'] };
}

function gateSession(session: InferenceSession, gate: NativeGate): InferenceSession {
  // Everything else (names, metadata) reads through to the real session.
  return Object.create(session, {
    run: { value: (...args: Parameters<InferenceSession['run']>) => gate.run(() => session.run(...args)) },
    release: { value: () => gate.run(() => session.release()) },
  }) as InferenceSession;
}
