import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { playwright } from '@vitest/browser-playwright';
import { realpathSync } from 'node:fs';
import { searchForWorkspaceRoot } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './test/support/headless-chromium.ts';
import { mnistTestSamples } from './test/support/mnist-samples-command.ts';
import { nodeReferenceProbs } from './test/support/node-reference-command.ts';
import { serveModelsPlugin } from './test/support/serve-models-plugin.ts';

const BROWSER_TESTS = ['test/browser/**/*.browser.test.ts', 'sdk/**/*.browser.test.ts'];

export default defineConfig({
  test: {
    // A private temporary directory for the run; leftovers fail it (see the file).
    globalSetup: ['test/support/private-temp-dir.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The machines are shared and slow at times: a UI or a server catching up takes more than a second.
    expect: { poll: { timeout: 15_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['sdk/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.browser.test.ts', 'test/browser/**', 'test/workers/**'],
          pool: 'forks',
        },
      },
      {
        extends: true,
        plugins: [serveModelsPlugin({ modelsDir: process.env.EDGETUNE_MODELS_DIR ?? 'models' })],
        server: {
          // The workspace and wherever node_modules really lives (it may be a symlink to a shared install).
          fs: { allow: [searchForWorkspaceRoot(process.cwd()), realpathSync('node_modules')] },
          // Cross-origin isolation: SharedArrayBuffer, hence ONNX Runtime's threaded wasm.
          headers: {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
          },
        },
        // Pre-bundling would move ORT away from the .wasm files it locates via import.meta.url.
        optimizeDeps: { exclude: ['onnxruntime-web'] },
        worker: { format: 'es' },
        test: {
          name: 'browser',
          include: BROWSER_TESTS,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] },
            }),
            instances: [{ browser: 'chromium' }],
            commands: { mnistTestSamples, nodeReferenceProbs },
            // Failure screenshots would land next to the tests, inside the repository.
            screenshotFailures: false,
          },
        },
      },
      {
        // The edge Worker inside workerd, with its wrangler.toml bindings (R2, D1, assets) simulated.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // Tests publish, then read at once: no per-isolate grace period for the latest pointer.
            // The samples tests apply the D1 migrations and use a fixed admin key and a small rate limit.
            miniflare: {
              bindings: { LATEST_TTL_SECONDS: '0', ADMIN_KEY: 'test-admin-key', TEST_MIGRATIONS: await readD1Migrations('workers/migrations') },
              ratelimits: { SAMPLES_RATE_LIMIT: { simple: { limit: 40, period: 10 } } },
            },
          }),
        ],
        // A worktree may link node_modules from elsewhere; workerd only loads modules under the root.
        resolve: { preserveSymlinks: true },
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          globalSetup: ['test/workers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
