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

  it('error answers (no route, a refused classify) carry them too', async () => {
    const headers = { Origin: 'https://app.example', 'Content-Type': 'application/json' };
    const missing = await exports.default.fetch('http://edge.test/v1/nowhere', { headers });
    const refused = await exports.default.fetch('http://edge.test/v1/models/mnist-cnn/classify', { method: 'POST', headers, body: '{}' });
    for (const response of [missing, refused]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(response.headers.get('Access-Control-Expose-Headers')).toContain('ETag');
      expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    }
  });
});
