import { describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.ts';

describe('npm run evaluate', () => {
  it('--help lists the checkpoints in models/ under both of their names', async () => {
    const run = await runScript('scripts/evaluate.ts', ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run evaluate -- --model/);
    expect(run.stdout).toMatch(/mnist-cnn, mnist-mlp, cnn, mlp, or all/);
  });

  it.each(['cnn', 'mnist-cnn'])('takes --model %s, as train names it or as its directory', async (model) => {
    const run = await runScript('scripts/evaluate.ts', ['--model', model, '--limit', '50']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^mnist-cnn: \d+\.\d+% \(\d+\/50\) on the MNIST test set/);
  });

  it('names the checkpoints that exist when --model names none', async () => {
    const run = await runScript('scripts/evaluate.ts', ['--model', 'resnet']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/no checkpoint "resnet" in models; it holds mnist-cnn, mnist-mlp/);
  });
});
