import { describe, expect, it } from 'vitest';
import { parseEdgeManifestUrl, versionedManifestUrl } from './edge-manifest-url.ts';
import { readWithdrawal } from './withdrawn-version.ts';

const URL_1_1 = 'https://edge.example/v1/models/mnist-cnn/1.1.0/manifest.json';
const gone = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 410, headers: { 'Content-Type': 'application/json', ...headers } });
const answer = (replacement: unknown) => ({
  error: { code: 'E_VERSION_WITHDRAWN', message: 'mnist-cnn@1.1.0 was withdrawn' },
  withdrawn: { version: '1.1.0', withdrawnAt: '2030-01-01T00:00:00.000Z', reason: '' },
  replacement,
});

describe('readWithdrawal (a 410 for a manifest)', () => {
  it('names the withdrawn version and the replacement, resolved against the manifest URL', async () => {
    const error = await readWithdrawal(gone(answer({ version: '1.0.0', manifestUrl: '/v1/models/mnist-cnn/1.0.0/manifest.json' })), URL_1_1);
    expect(error).toMatchObject({ code: 'E_VERSION_WITHDRAWN', version: '1.1.0', message: 'mnist-cnn@1.1.0 was withdrawn' });
    expect(error.replacement).toEqual({ version: '1.0.0', manifestUrl: 'https://edge.example/v1/models/mnist-cnn/1.0.0/manifest.json' });
  });

  it('ignores a replacement that leads anywhere but the same model\'s versioned manifest on the same origin', async () => {
    const hostile = [
      { version: '1.0.0', manifestUrl: 'https://evil.example/v1/models/mnist-cnn/1.0.0/manifest.json' },
      { version: '1.0.0', manifestUrl: '/v1/models/other-model/1.0.0/manifest.json' },
      { version: '1.0.0', manifestUrl: '/v1/models/mnist-cnn/2.0.0/manifest.json' },
      { version: '1.0.0', manifestUrl: '/v1/models/mnist-cnn/1.0.0/manifest.json?x' },
      { version: '1.0.0', manifestUrl: '/v1/models/mnist-cnn/1.0.0/../../x/manifest.json' },
      { version: '../1.0.0', manifestUrl: '/v1/models/mnist-cnn/../1.0.0/manifest.json' },
      { version: '1.1.0', manifestUrl: '/v1/models/mnist-cnn/1.1.0/manifest.json' },
      { version: 1, manifestUrl: 1 },
      'not an object',
      null,
    ];
    for (const replacement of hostile) {
      const error = await readWithdrawal(gone(answer(replacement)), URL_1_1);
      expect(error.replacement, JSON.stringify(replacement)).toBeUndefined();
      expect(error.code).toBe('E_VERSION_WITHDRAWN');
    }
  });

  it('reads a body that is not ours, too large or not JSON as a plain withdrawal with no replacement', async () => {
    for (const response of [gone('not json'), gone({ withdrawn: { version: 'x' } }), gone('x'.repeat(20_000)), gone('{}', { 'Content-Length': '99999999' })]) {
      const error = await readWithdrawal(response, URL_1_1);
      expect(error).toMatchObject({ code: 'E_VERSION_WITHDRAWN', version: '', replacement: undefined });
      expect(error.message).toMatch(/was withdrawn by its publisher \(HTTP 410\)/);
    }
  });
});

describe('edge manifest URLs', () => {
  it('tells the latest URL from a pinned one and pins a version', () => {
    expect(parseEdgeManifestUrl('https://e.example/v1/models/mnist-cnn/manifest.json')).toEqual({ latestUrl: 'https://e.example/v1/models/mnist-cnn/manifest.json' });
    expect(parseEdgeManifestUrl(URL_1_1)).toEqual({ latestUrl: 'https://edge.example/v1/models/mnist-cnn/manifest.json', pinnedVersion: '1.1.0' });
    expect(parseEdgeManifestUrl('https://static.example/models/mnist-cnn/manifest.json')).toBeUndefined();
    expect(parseEdgeManifestUrl('https://e.example/v1/models/mnist-cnn/manifest.json?v=1')).toBeUndefined();
    expect(versionedManifestUrl('https://e.example/v1/models/mnist-cnn/manifest.json', '1.0.0-rc.1')).toBe('https://e.example/v1/models/mnist-cnn/1.0.0-rc.1/manifest.json');
    expect(versionedManifestUrl(URL_1_1, '1.1.0')).toBe(URL_1_1);
  });

  it('refuses hostile versions and sources that cannot be pinned, naming the fix', () => {
    for (const version of ['../1.0.0', '1.0', '1.0.0/x', '1.0.0%2F..', '01.0.0', '', null, 1]) {
      expect(() => versionedManifestUrl('https://e.example/v1/models/m/manifest.json', version), String(version)).toThrow(/options\.version must be a version like 1\.2\.0/);
    }
    expect(() => versionedManifestUrl('https://static.example/m/manifest.json', '1.0.0')).toThrow(/must be an edge manifest URL/);
    expect(() => versionedManifestUrl(URL_1_1, '1.0.0')).toThrow(/already names version 1\.1\.0/);
  });
});
