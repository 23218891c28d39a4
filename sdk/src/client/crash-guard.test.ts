import { describe, expect, it } from 'vitest';
import { createCrashGuard } from './crash-guard.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createCrashGuard', () => {
  it('passes a call’s value and its own error through while the worker lives', async () => {
    const guard = createCrashGuard(new Promise<Error>(() => undefined));
    await expect(guard(Promise.resolve(7))).resolves.toBe(7);
    await expect(guard(Promise.reject(new RangeError('bad input')))).rejects.toThrow('bad input');
  });

  it('rejects every pending call with the crash error, and later calls at once', async () => {
    const crash = deferred<Error>();
    const guard = createCrashGuard(crash.promise);
    const never = new Promise<number>(() => undefined);
    const pending = [guard(never), guard(never)];
    const error = Object.assign(new Error('the model worker crashed'), { code: 'E_WORKER_CRASHED' });
    crash.resolve(error);
    for (const call of pending) await expect(call).rejects.toBe(error);
    await expect(guard(never)).rejects.toBe(error);
  });

  it('lets a call that settled before the crash keep its result', async () => {
    const crash = deferred<Error>();
    const guard = createCrashGuard(crash.promise);
    const done = guard(Promise.resolve('ok'));
    await expect(done).resolves.toBe('ok');
    crash.resolve(new Error('later'));
    await expect(done).resolves.toBe('ok');
  });
});

describe('createCrashGuard().failPending', () => {
  it('rejects the calls pending now with the given error and leaves later calls working', async () => {
    const guard = createCrashGuard(new Promise<Error>(() => undefined));
    const never = new Promise<number>(() => undefined);
    const pending = guard(never);
    const lost = Object.assign(new Error('a reply was lost'), { code: 'E_WORKER_MESSAGE' });
    guard.failPending(lost);
    await expect(pending).rejects.toBe(lost);
    await expect(guard(Promise.resolve(3))).resolves.toBe(3);
  });
});
