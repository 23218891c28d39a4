import { describe, expect, it } from 'vitest';
import { notifier } from './callback-proxy.ts';

describe('a caller callback as the worker calls it', () => {
  it('passes the value and returns nothing, whatever the callback returns', () => {
    const seen: number[] = [];
    const notify = notifier((value: number) => (seen.push(value), () => 'unclonable'), () => undefined);
    expect(notify(7)).toBeUndefined();
    expect(seen).toEqual([7]);
  });

  it('reports an exception on the caller side instead of throwing it back to the worker', () => {
    const reported: unknown[] = [];
    const bug = new Error('bug in the progress bar');
    const notify = notifier(() => {
      throw bug;
    }, (error) => reported.push(error));
    expect(() => notify(1)).not.toThrow();
    expect(reported).toEqual([bug]);
  });

  it('reports an async callback’s rejection rather than leaving it unhandled', async () => {
    const reported: unknown[] = [];
    const bug = new Error('async bug');
    notifier(async () => {
      throw bug;
    }, (error) => reported.push(error))(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reported).toEqual([bug]);
  });
});
