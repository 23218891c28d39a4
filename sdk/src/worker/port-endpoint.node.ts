import type { Endpoint } from 'comlink';

/** A Worker or a MessagePort: the Node objects that carry worker messages. */
interface NodePort {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: string, listener: (value: unknown) => void): unknown;
  off(event: string, listener: (value: unknown) => void): unknown;
}

type Listener = EventListenerOrEventListenerObject;

/**
 * A Comlink endpoint over a Node Worker or MessagePort. Unlike Comlink's own Node adapter, which
 * subscribes to 'message' whatever the type asked for, it keeps 'messageerror' apart: a message
 * that cannot be deserialized (e.g. nested too deeply) is reported, not silently dropped.
 */
export function portEndpoint(port: NodePort): Endpoint {
  const wrapped = new Map<string, Map<Listener, (value: unknown) => void>>();
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer as Transferable[] | undefined),
    addEventListener: (type, listener) => {
      const forward = (value: unknown) => {
        // 'message' carries the data; 'messageerror' the deserialization error.
        const event = (type === 'message' ? { data: value } : { data: undefined, error: value }) as unknown as Event;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      let listeners = wrapped.get(type);
      if (!listeners) wrapped.set(type, (listeners = new Map()));
      listeners.set(listener, forward);
      port.on(type, forward);
    },
    removeEventListener: (type, listener) => {
      const forward = wrapped.get(type)?.get(listener);
      if (!forward) return;
      port.off(type, forward);
      wrapped.get(type)!.delete(listener);
    },
  };
}
