import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Vitest global setup: the test run gets a temporary directory of its own (TMPDIR, which
 * os.tmpdir(), npm, Chromium and the test's child processes all honour). At the end anything a
 * test left there is named and fails the run, and the directory is removed either way, so `npm test`
 * leaves nothing in the system temp directory.
 */

// What tools keep there by design, not files a test forgot: tsx's cache, and the profile and
// artifact directories of the Chromium that Vitest's browser provider closes after this teardown,
// and the scratch directories of the workerd pool's Miniflare and wrangler's update check.
const TOOL_CACHES = /^(tsx-|playwright-artifacts-|playwright_chromiumdev_profile-|\.?org\.chromium\.Chromium\.|miniflare-[0-9a-f]+$|update-check$)/;

export default function setup(): () => void {
  if (process.env.EDGETUNE_TEST_TMPDIR) return () => undefined;
  const previous = process.env.TMPDIR;
  const directory = mkdtempSync(join(tmpdir(), 'edgetune-test-run-'));
  process.env.TMPDIR = process.env.EDGETUNE_TEST_TMPDIR = directory;
  // onnxruntime-node's telemetry writes an empty mat-debug-<pid>.log into the temp directory of
  // every process that loads it; the tests have no use for telemetry.
  process.env.ORT_DISABLE_TELEMETRY = '1';

  return () => {
    const left = readdirSync(directory).filter((name) => !TOOL_CACHES.test(name));
    rmSync(directory, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    delete process.env.EDGETUNE_TEST_TMPDIR;
    if (left.length > 0) {
      // Vitest logs a throwing teardown without failing the run, so the exit code says it.
      console.error(`Tests left these in the temporary directory: ${left.join(', ')}; remove them in afterAll/onTestFinished.`);
      process.exitCode = 1;
    }
  };
}
