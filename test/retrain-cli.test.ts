import { describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.ts';

describe('npm run retrain: refusals before any work', () => {
  it.each([
    [['--layers', 'conv'], /--model NAME is required/],
    [['--model', 'mnist-cnn', '--layers', 'conv'], /--layers must be one of head, dense, all, got "conv"/],
    [['--model', 'mnist-cnn', '--key', 'k', '--epochs', '0'], /--epochs must be a positive integer/],
    [['--model', 'mnist-cnn', '--key', 'k', '--replay', 'NaN'], /--replay must be a number from 0 to 100/],
    [['--model', 'mnist-cnn', '--key', 'k', '--from', 'not a url'], /--from must be the edge's URL/],
    [['--model', 'my-model', '--key', 'k'], /no MNIST accuracy bar is known for my-model; pass --min-mnist-accuracy/],
    [['--model', 'mnist-cnn', '--key', 'k', '--from', 'http://127.0.0.1:9'], /E_EDGE_UNREACHABLE.*npm start/],
  ])('%j', async (args, message) => {
    const run = await runScript('scripts/retrain.ts', args);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
