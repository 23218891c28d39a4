import { transferHandlers, type TransferHandler } from 'comlink';
import { fromWireError, toWireError, type WireError } from '../error-wire.ts';

interface ThrownValue {
  isError: boolean;
  value: unknown;
}

let installed = false;

/**
 * Comlink's stock handler sends only name, message and stack of a thrown error; this one also
 * carries `code` and `cause`, so `err.code` reads the same on both sides of the worker boundary.
 * Installed on both sides.
 */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const stock = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, ThrownValue>;
  const handler: TransferHandler<{ value: unknown }, ThrownValue> = {
    canHandle: (value): value is { value: unknown } => stock.canHandle(value),
    serialize: (thrown) =>
      thrown.value instanceof Error ? [{ isError: true, value: toWireError(thrown.value) }, []] : stock.serialize(thrown),
    deserialize: (data) => {
      if (data.isError) throw fromWireError(data.value as WireError);
      throw data.value;
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
