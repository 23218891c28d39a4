import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Each case runs an app in a child Node process against the built package (dist/node), because
 * what is pinned is how the process ends: terminating a worker while onnxruntime-node runs used
 * to abort the whole process (SIGABRT, exit 134, "terminate called after throwing an instance
 * of 'Napi::Error'"). Delays below only place the event while the worker is busy; nothing
 * asserts on time.
 */

const MODELS_DIR = resolve(process.env.EDGETUNE_MODELS_DIR ?? 'models');
const PACKAGE = pathToFileURL(resolve('dist/node/index.js')).href;

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cacheDir: string;
let apps = 0;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'edgetune-process-'));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

/** Runs `body` as an ES module with `loadClassifier`, `cnn`, `mlp` and `x` (one image) in scope. */
async function runApp(body: string): Promise<Ended> {
  const source =
    `import { loadClassifier } from ${JSON.stringify(PACKAGE)};\n` +
    `const cnn = ${JSON.stringify(join(MODELS_DIR, 'mnist-cnn'))};\n` +
    `const mlp = ${JSON.stringify(join(MODELS_DIR, 'mnist-mlp'))};\n` +
    `const x = Float32Array.from({ length: 784 }, (_, i) => (i % 28 < 14 ? 0.9 : 0.1));\n${body}`;
  // A file, not `node -e`: workers inherit --input-type, which they refuse.
  const app = join(cacheDir, `app-${++apps}.mjs`);
  await writeFile(app, source);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [app], {
      env: { ...process.env, EDGETUNE_CACHE_DIR: cacheDir, EDGETUNE_HEADS_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

describe('an app using the SDK in Node ends the way it chose, never with SIGABRT', () => {
  it('process.exit(3) while a batch runs exits with code 3', async () => {
    const ended = await runApp(`
      const clf = await loadClassifier(cnn, { threads: 1 });
      clf.classifyBatch(Array(30000).fill(x)).catch(() => undefined);
      setTimeout(() => process.exit(3), 300);
    `);
    expect(ended.stderr).not.toMatch(/Napi::Error/);
    expect(ended).toMatchObject({ code: 3, signal: null });
  });

  it('an uncaught exception while a batch runs exits with code 1 and its own message', async () => {
    const ended = await runApp(`
      const clf = await loadClassifier(cnn, { threads: 1 });
      clf.classifyBatch(Array(30000).fill(x)).catch(() => undefined);
      setTimeout(() => { throw new Error('the app failed'); }, 300);
    `);
    expect(ended.stderr).toMatch(/the app failed/);
    expect(ended.stderr).not.toMatch(/Napi::Error/);
    expect(ended).toMatchObject({ code: 1, signal: null });
  });

  it('dispose() with a long batch queued fails the queued runs with E_DISPOSED and resolves', async () => {
    const ended = await runApp(`
      const clf = await loadClassifier(cnn, { threads: 1 });
      const batch = clf.classifyBatch(Array(30000).fill(x)).then(() => 'resolved', (e) => e.code);
      await clf.dispose();
      console.log('disposed', await batch);
    `);
    expect(ended.stderr).not.toMatch(/Napi::Error/);
    expect(ended).toMatchObject({ code: 0, signal: null, stdout: 'disposed E_DISPOSED\n' });
  });

  it('dispose() during a long personalize() stops it at its next step with E_DISPOSED', async () => {
    const ended = await runApp(`
      const clf = await loadClassifier(cnn, { threads: 1 });
      const samples = Array.from({ length: 64 }, (_, i) => ({ input: Float32Array.from({ length: 784 }, (_, j) => ((i + j) % 10) / 10), label: i % 10 }));
      let started;
      const steps = new Promise((resolve) => (started = resolve));
      const training = clf.personalize(samples, { steps: 100_000, onStep: started }).then(() => 'resolved', (e) => e.code);
      await steps;
      await clf.dispose();
      console.log('disposed', await training);
    `);
    expect(ended.stderr).not.toMatch(/Napi::Error/);
    expect(ended).toMatchObject({ code: 0, signal: null, stdout: 'disposed E_DISPOSED\n' });
  });

  it('aborting loadClassifier at any moment of the load rejects with E_ABORTED and leaves the process running', async () => {
    // Sixteen loads, each aborted 20 ms later than the one before: across the worker's start,
    // the file reads, the addon's start-up and the creation of the session.
    const ended = await runApp(`
      const outcomes = [];
      for (let ms = 0; ms < 320; ms += 20) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), ms);
        try {
          await (await loadClassifier(mlp, { signal: controller.signal })).dispose();
          outcomes.push('loaded');
        } catch (error) {
          outcomes.push(error.code);
        }
        clearTimeout(timer);
      }
      console.log(JSON.stringify(outcomes));
    `);
    expect(ended.stderr).not.toMatch(/Napi::Error/);
    expect(ended).toMatchObject({ code: 0, signal: null });
    const outcomes = JSON.parse(ended.stdout) as string[];
    expect(outcomes).toHaveLength(16);
    for (const outcome of outcomes) expect(['E_ABORTED', 'loaded']).toContain(outcome);
    expect(outcomes[0]).toBe('E_ABORTED');
  });

  it('kill() of a worker in the middle of a batch fails the batch with E_WORKER_CRASHED, and the next call restarts it', async () => {
    const ended = await runApp(`
      const clf = await loadClassifier(cnn, { threads: 1 });
      const connection = clf[Symbol.for('edgetune.workerConnection')];
      const batch = clf.classifyBatch(Array(30000).fill(x)).then(() => 'resolved', (e) => e.code);
      setTimeout(() => connection.kill(), 300);
      console.log(await batch);
      console.log((await clf.classify(x)).scores.length);
      await clf.dispose();
    `);
    expect(ended.stderr).not.toMatch(/Napi::Error/);
    expect(ended).toMatchObject({ code: 0, signal: null, stdout: 'E_WORKER_CRASHED\n10\n' });
  });
});
