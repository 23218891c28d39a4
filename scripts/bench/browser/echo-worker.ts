/// <reference lib="webworker" />

// Sends every message straight back: the cost of a bare worker round trip, the floor under any
// design that runs inference off the caller's thread.
self.addEventListener('message', (event: MessageEvent<unknown>) => self.postMessage(event.data));
