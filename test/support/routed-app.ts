import { join, normalize, sep } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/**
 * Serves a built app's files to a browser context at `origin` through Playwright routes, so the
 * app loads and reloads even while the context is offline (as an installed app's cached files
 * would), while every other origin, the edge's included, stays unreachable.
 */
export async function routeBuiltApp(context: BrowserContext, origin: string, outDir: string): Promise<void> {
  const root = normalize(outDir + sep);
  // A routed document has no network address, so Chromium's Local Network Access asks before it
  // reaches loopback servers (the edge under test); a deployed edge is public and needs no grant.
  await context.grantPermissions(['local-network-access'], { origin });
  await context.route(`${origin}/**`, async (route) => {
    const pathname = decodeURIComponent(new URL(route.request().url()).pathname);
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(root)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ path: file }).catch(() => route.fulfill({ status: 404, body: 'not found' }));
  });
}
