import { describe, expect, it } from 'vitest';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { withinStartupTime } from './startup-watchdog.ts';

const stalled = () => new EdgetuneError(ErrorCodes.BACKEND_UNAVAILABLE, 'the runtime did not start; pass threads: 1');

describe('withinStartupTime', () => {
  it('rejects a start that never settles with the coded error', async () => {
    await expect(withinStartupTime(new Promise<never>(() => undefined), 1, stalled)).rejects.toMatchObject({
      code: 'E_BACKEND_UNAVAILABLE',
      message: expect.stringContaining('threads: 1'),
    });
  });

  it('starts the clock once the inputs are in, failed inputs included', async () => {
    const inputs = Promise.reject(new Error('download broke off'));
    await expect(withinStartupTime(new Promise<never>(() => undefined), 1, stalled, inputs)).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
  });

  it('passes a start that settles through, value or error', async () => {
    await expect(withinStartupTime(Promise.resolve(42), 60_000, stalled)).resolves.toBe(42);
    await expect(withinStartupTime(Promise.reject(new Error('no adapter')), 60_000, stalled)).rejects.toThrow('no adapter');
  });
});
