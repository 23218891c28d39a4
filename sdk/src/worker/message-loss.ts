import type { Endpoint } from 'comlink';

/*
 * A structured-clone message that the receiver cannot deserialize (a value nested too deeply for
 * its stack, say) is dropped with only a 'messageerror' event, which names no call: the call
 * would wait forever. The receiving side therefore fails every pending call instead. The worker
 * has no pending calls of its own, so it reports the loss to the caller with this marker.
 */

const MESSAGE_LOST = 'edgetune:message-lost';

/** Worker side: tells the caller whenever a request could not be read. */
export function reportMessageLoss(endpoint: Endpoint): void {
  endpoint.addEventListener('messageerror', () => endpoint.postMessage({ [MESSAGE_LOST]: true }));
}

/** Caller side: calls `onLost` when a reply could not be read here or a request there. */
export function watchMessageLoss(endpoint: Endpoint, onLost: () => void): void {
  endpoint.addEventListener('messageerror', () => onLost());
  endpoint.addEventListener('message', (event) => {
    const data = (event as MessageEvent).data as Record<string, unknown> | null;
    if (typeof data === 'object' && data !== null && data[MESSAGE_LOST] === true) onLost();
  });
}
