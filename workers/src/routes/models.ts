import { Hono } from 'hono';
import type { Env } from '../env.ts';
import { storeOf } from '../store/store-of.ts';

export const modelRoutes = new Hono<{ Bindings: Env }>();

modelRoutes.get('/v1/models', async (c) => {
  const models = await storeOf(c.env).listModels();
  // The list changes whenever a version is published; let caches keep it briefly.
  c.header('Cache-Control', 'public, max-age=60');
  return c.json({ models });
});

modelRoutes.get('/v1/health', (c) => c.json({ status: 'ok', service: 'edgetune' }));
