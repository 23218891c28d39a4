import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../workers/src/app.ts';

const CONFIG_URL = 'http://edge.test/v1/demo/config';

describe('GET /v1/demo/config', () => {
  it('gives no app key unless DEMO_APP_KEY is set (a deployment never hands one out)', async () => {
    const response = await app.fetch(new Request(CONFIG_URL), { ...env, DEMO_APP_KEY: undefined });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({ appKey: null });
    const blank = await app.fetch(new Request(CONFIG_URL), { ...env, DEMO_APP_KEY: '  ' });
    expect(await blank.json()).toEqual({ appKey: null });
  });

  it('hands the local development key to the demo page when set', async () => {
    const response = await app.fetch(new Request(CONFIG_URL), { ...env, DEMO_APP_KEY: 'et_local' });
    expect(await response.json()).toEqual({ appKey: 'et_local' });
  });
});
