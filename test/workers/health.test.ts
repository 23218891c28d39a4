import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('GET /v1/health', () => {
  it('answers ok with CORS and CORP headers', async () => {
    const response = await exports.default.fetch('http://edge.test/v1/health', { headers: { Origin: 'https://app.example' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'edgetune' });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
  });
});
