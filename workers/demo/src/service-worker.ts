/*
 * The demo page's service worker: the page (HTML, scripts, styles, the SDK's worker and ONNX
 * Runtime's glue) stays available offline. Network first, so a new build shows at once when
 * online; the cache answers only when the network does not. The API (/v1) and ONNX Runtime's
 * wasm are not touched: the SDK caches models and its runtime itself, verified.
 */

// Written by the build (workers/demo/vite.config.ts): the built files, and a version of that list.
declare const __SHELL_FILES__: string[];
declare const __SHELL_VERSION__: string;

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const scope = self as unknown as ServiceWorkerScope;
const CACHE_PREFIX = 'edgetune-demo-shell-';
const CACHE = `${CACHE_PREFIX}${__SHELL_VERSION__}`;

scope.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(__SHELL_FILES__)).then(() => scope.skipWaiting()));
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== scope.location.origin) return;
  if (url.pathname.startsWith('/v1/') || url.pathname.endsWith('.wasm')) return;
  event.respondWith(networkFirst(event.request));
});

async function networkFirst(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    // The page may be opened with a query string; other pages are cached only if listed.
    const cached = await cache.match(request, { ignoreSearch: new URL(request.url).pathname === '/' });
    if (cached) return cached;
    throw error;
  }
}
