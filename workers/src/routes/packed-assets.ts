import { Hono } from 'hono';
import type { Env } from '../env.ts';

export const packedAssetRoutes = new Hono<{ Bindings: Env }>();

/** The headers `_headers` gives every static file: the demo page is crossOriginIsolated. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * A static asset may be at most 25 MiB, and ONNX Runtime Web's WebGPU wasm is larger: the demo
 * build stores such files gzipped (`<file>.gz`, scripts/build-demo.ts), and this route serves them
 * under their own name with `Content-Encoding: gzip`, so the browser gets the original bytes (the
 * SDK checks their sha256). Every other wasm file is the plain asset.
 */
packedAssetRoutes.get('/assets/:file{.+\\.wasm}', async (c) => {
  const packed = await c.env.ASSETS.fetch(new URL(`${c.req.path}.gz`, c.req.url));
  if (!packed.ok || packed.body === null) return c.env.ASSETS.fetch(c.req.raw);
  return new Response(packed.body, {
    headers: { 'Content-Type': 'application/wasm', 'Content-Encoding': 'gzip', 'Cache-Control': 'public, max-age=31536000, immutable', ...ISOLATION },
    // The body is already gzip: sent as it is, not compressed again.
    encodeBody: 'manual',
  });
});
