import { describe, expect, it } from 'vitest';
import { nextMinorVersion } from './next-version.ts';

describe('the version a retrain publishes', () => {
  it('is the next minor above every known version, never one already used', () => {
    expect(nextMinorVersion(['1.1.0'])).toBe('1.2.0');
    expect(nextMinorVersion(['1.1.0', '1.2.0', '1.10.0', '1.3.1'])).toBe('1.11.0');
    expect(nextMinorVersion(['1.1.0', '2.0.0-rc.1'])).toBe('2.1.0');
    expect(nextMinorVersion(['1.1.0', 'nonsense'])).toBe('1.2.0');
  });
});
