import { Hono } from 'hono';
import type { Env } from '../env.ts';

export const demoRoutes = new Hono<{ Bindings: Env }>();

/**
 * What the demo page needs from its own edge: the app key for "Share my samples", only when the
 * DEMO_APP_KEY var is set (local development); otherwise null, and the page says how to get one.
 */
demoRoutes.get('/v1/demo/config', (c) => {
  c.header('Cache-Control', 'no-store');
  const key = c.env.DEMO_APP_KEY?.trim();
  return c.json({ appKey: key !== undefined && key.length > 0 ? key : null });
});
