import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, PIXELS } from '../scripts/data/mnist.ts';
import { createThrowawayApp, packRepository, pinnedVersion, type PackedPackage, type ThrowawayApp } from './support/packed-package.ts';

/*
 * The package, not the repository: `npm pack` of a clean copy of the tracked files, installed
 * into a new Node app that has never seen the source tree.
 */
const DIGITS = 10;
const SETUP_TIMEOUT = 600_000;

describe('the packed npm package', () => {
  let packed: PackedPackage;
  let app: ThrowawayApp;

  beforeAll(async () => {
    packed = await packRepository();
    app = await createThrowawayApp(packed, 'node-app', {
      edgetune: `file:${packed.tarball}`,
      // An optional peer: a Node app installs it itself.
      'onnxruntime-node': await pinnedVersion('onnxruntime-node'),
    });
  }, SETUP_TIMEOUT);

  afterAll(() => packed?.dispose());

  it('holds the build, the README and the LICENSE, and nothing else', async () => {
    const pkg = JSON.parse(await readFile(join(packed.copy, 'package.json'), 'utf8')) as { exports: unknown };
    // Every file any condition (nested ones too) points at.
    const targets = (entry: unknown): string[] => (typeof entry === 'string' ? [entry] : Object.values(entry as object).flatMap(targets));
    const exported = targets(pkg.exports).map((target) => target.replace(/^\.\//, ''));
    expect(exported).toEqual(expect.arrayContaining(['dist/types/index.node.d.ts', 'dist/types/index.browser.d.ts', 'dist/node/index.js', 'dist/browser/index.js']));
    expect(packed.files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/node/node-worker.js', 'dist/browser/browser-worker.js', 'dist/browser/browser-worker-wasm.js', ...exported]));
    expect(packed.files.filter((path) => !/^(dist\/.+|package\.json|README\.md|LICENSE)$/.test(path))).toEqual([]);
    expect(packed.files.filter((path) => path.includes('.test.'))).toEqual([]);
  });

  it('ships source maps that carry their sources, since the sources are not shipped', async () => {
    const maps = packed.files.filter((path) => path.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const path of maps) {
      const map = JSON.parse(await readFile(join(packed.copy, path), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      expect(map.sourcesContent?.length, path).toBe(map.sources.length);
      expect(map.sourcesContent?.every((content) => typeof content === 'string'), path).toBe(true);
    }
  });

  it('is imported by a new Node app that classifies real MNIST digits with the committed CNN', async () => {
    const test = await loadMnistSplit('test');
    const digits = Array.from({ length: DIGITS }, (_, i) => Array.from(test.images.subarray(i * PIXELS, (i + 1) * PIXELS)));
    await writeFile(join(app.directory, 'digits.json'), JSON.stringify(digits));
    await writeFile(
      join(app.directory, 'classify.mjs'),
      [
        "import { readFile } from 'node:fs/promises';",
        "import { loadClassifier } from 'edgetune';",
        "const digits = JSON.parse(await readFile('digits.json', 'utf8')).map((pixels) => Uint8Array.from(pixels));",
        'const clf = await loadClassifier(process.argv[2]);',
        'const predictions = await clf.classifyBatch(digits);',
        'console.log(JSON.stringify({ backend: clf.backend, name: clf.name, labels: predictions.map((p) => p.label) }));',
        'await clf.dispose();',
      ].join('\n'),
    );
    const run = await app.run(process.execPath, ['classify.mjs', join(packed.copy, 'models/mnist-cnn')], {
      EDGETUNE_CACHE_DIR: join(packed.root, 'cache'),
      EDGETUNE_HEADS_DIR: join(packed.root, 'heads'),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      backend: 'cpu',
      name: 'mnist-cnn',
      labels: Array.from(test.labels.subarray(0, DIGITS), String),
    });
  });

  it('gives a TypeScript app its types', async () => {
    await writeFile(
      join(app.directory, 'typed.ts'),
      [
        "import { loadClassifier, EdgetuneError, isEdgetuneError, type Classifier, type ErrorCode } from 'edgetune';",
        "const clf: Classifier = await loadClassifier('models/mnist-cnn/manifest.json', { threads: 1 });",
        'const label: string = (await clf.classify(new Float32Array(784))).label;',
        'try { await clf.dispose(); } catch (e) { if (isEdgetuneError(e)) { const code: ErrorCode = e.code; console.log(code, label); } }',
        "// @ts-expect-error codes are a closed union",
        "new EdgetuneError('E_NOT_A_CODE', 'x');",
      ].join('\n'),
    );
    // An app's own settings: Node's module resolution (package exports), and the package's
    // declarations checked too, with no @types of its own installed.
    const compilerOptions = { strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, skipLibCheck: false, types: [] };
    await writeFile(join(app.directory, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['typed.ts'] }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = await app.run(process.execPath, [tsc, '-p', '.']);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it("gives a browser app's TypeScript (bundler resolution, DOM types) the browser entry's types", async () => {
    await writeFile(
      join(app.directory, 'browser.ts'),
      [
        "import { IndexedDbSampleQueue, SampleUploader, loadClassifier } from 'edgetune';",
        "const uploader = new SampleUploader({ endpoint: 'https://edge.example', apiKey: 'k', model: 'mnist-cnn', queue: new IndexedDbSampleQueue() });",
        "const clf = await loadClassifier('/models/mnist-cnn/manifest.json', { backend: 'webgpu' });",
        'const image: ImageData = new ImageData(28, 28);',
        'console.log(uploader, (await clf.classify(image)).label);',
        "// @ts-expect-error the file queue is Node's",
        "import { FileSampleQueue } from 'edgetune';",
        'console.log(FileSampleQueue);',
      ].join('\n'),
    );
    const compilerOptions = { strict: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], noEmit: true, skipLibCheck: false, types: [] };
    await writeFile(join(app.directory, 'tsconfig.browser.json'), JSON.stringify({ compilerOptions, files: ['browser.ts'] }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const run = await app.run(process.execPath, [tsc, '-p', 'tsconfig.browser.json']);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
