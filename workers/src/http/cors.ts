import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Env } from '../env.ts';

/** Headers a cross-origin page may read: the ones resumable, cache-aware downloads need. */
const EXPOSED = ['ETag', 'Content-Length', 'Content-Range', 'Accept-Ranges', 'Location', 'Retry-After', 'Edgetune-Next-After'];

/** `*` or a comma-separated allow-list of exact origins (scheme://host[:port]). */
export function parseAllowedOrigins(value: string | undefined): '*' | ReadonlySet<string> {
  const list = (value ?? '*').split(',').map((origin) => origin.trim()).filter((origin) => origin.length > 0);
  return list.length === 0 || list.includes('*') ? '*' : new Set(list);
}

/**
 * CORS on every public route (preflight included) from the ALLOWED_ORIGINS var, plus
 * Cross-Origin-Resource-Policy so that crossOriginIsolated (COEP) pages elsewhere can load models.
 */
export function publicCors(): MiddlewareHandler<{ Bindings: Env }> {
  let cached: { value: string | undefined; allowed: '*' | ReadonlySet<string>; preflight: MiddlewareHandler } | undefined;
  return async (c, next) => {
    if (cached === undefined || cached.value !== c.env.ALLOWED_ORIGINS) {
      const allowed = parseAllowedOrigins(c.env.ALLOWED_ORIGINS);
      cached = {
        value: c.env.ALLOWED_ORIGINS,
        allowed,
        preflight: cors({
          origin: allowed === '*' ? '*' : (origin) => (allowed.has(origin) ? origin : null),
          allowMethods: ['GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'],
          allowHeaders: ['Content-Type', 'Range', 'If-None-Match', 'If-Range', 'Authorization'],
          exposeHeaders: EXPOSED,
          maxAge: 86_400,
        }),
      };
    }
    if (c.req.method === 'OPTIONS') {
      // A preflight is answered by the CORS handler itself, as a Response of its own.
      const preflight = await cached.preflight(c, next);
      if (preflight instanceof Response) {
        preflight.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
        return preflight;
      }
      c.header('Cross-Origin-Resource-Policy', 'cross-origin');
      return undefined;
    }
    // Set before the handler runs, these go straight into the response Hono builds (c.json, c.body):
    // no placeholder response to create and copy from, on every classify.
    const headers = corsHeaders(cached.allowed, c.req.header('Origin'));
    for (const [name, value] of headers) c.header(name, value);
    await next();
    // A handler that returned a Response of its own did not take them.
    if (!c.res.headers.has('Cross-Origin-Resource-Policy')) for (const [name, value] of headers) c.header(name, value);
    if (cached.allowed !== '*') c.header('Vary', 'Origin', { append: true });
    return undefined;
  };
}

const EXPOSED_LIST = EXPOSED.join(',');

/** What Hono's cors() sets on an actual (not preflight) request, plus Cross-Origin-Resource-Policy. */
function corsHeaders(allowed: '*' | ReadonlySet<string>, origin: string | undefined): Array<[string, string]> {
  const headers: Array<[string, string]> = [['Access-Control-Expose-Headers', EXPOSED_LIST], ['Cross-Origin-Resource-Policy', 'cross-origin']];
  if (allowed === '*') headers.push(['Access-Control-Allow-Origin', '*']);
  else if (origin !== undefined && allowed.has(origin)) headers.push(['Access-Control-Allow-Origin', origin]);
  return headers;
}
