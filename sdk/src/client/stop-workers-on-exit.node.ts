import type { NativeGateHost } from '../engine/native-gate.node.ts';

/*
 * process.exit() and an uncaught exception make Node terminate every worker with no regard for
 * what it is doing. A worker inside onnxruntime-node at that moment aborts the process (see
 * native-gate.node.ts), turning a clean exit code into SIGABRT. A process 'exit' listener runs
 * before that teardown, synchronously: it stops every model worker's native calls and blocks
 * until the one in flight (a single run: milliseconds) has returned.
 */

const gates = new Set<NativeGateHost>();
/** A native call that has not returned by then is not waited for: exiting beats hanging. */
const EXIT_WAIT_MS = 30_000;

function stopAll(): void {
  for (const gate of gates) gate.stop();
  const deadline = Date.now() + EXIT_WAIT_MS;
  for (const gate of gates) gate.idleSync(Math.max(0, deadline - Date.now()));
}

/** Guards a worker's gate at process exit until the returned function unregisters it. */
export function stopWorkersOnExit(gate: NativeGateHost): () => void {
  if (gates.size === 0) process.on('exit', stopAll);
  gates.add(gate);
  return () => {
    if (!gates.delete(gate) || gates.size > 0) return;
    process.off('exit', stopAll);
  };
}
