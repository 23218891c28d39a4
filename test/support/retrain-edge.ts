import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../scripts/edge/app-keys.ts';
import { freePort } from '../../scripts/edge/free-port.ts';
import { publishLocally } from '../../scripts/edge/publish-local.ts';
import { applyMigrations } from '../../scripts/edge/samples-db.ts';
import { startWranglerDev, type WranglerDev } from '../../scripts/edge/wrangler-dev.ts';
import { runScript, type ScriptResult } from './run-script.ts';

/**
 * A local edge for the retrain loop: `wrangler dev` on a free port with its own state directory,
 * the committed checkpoints published, the samples database migrated, an app key to upload with
 * and an admin key to export with. The latest pointer is read on every request (TTL 0), so a
 * version published during the test is served at once.
 */
export interface RetrainEdge {
  readonly url: string;
  readonly stateDir: string;
  readonly adminKey: string;
  readonly appKey: string;
  readonly dev: WranglerDev;
  /** Stops wrangler and removes the state directory. */
  close(): Promise<void>;
}

export async function startRetrainEdge(models: readonly string[]): Promise<RetrainEdge> {
  const stateDir = await mkdtemp(join(tmpdir(), 'edgetune-retrain-edge-'));
  try {
    await publishLocally('models', models, stateDir);
    await applyMigrations({ remote: false, stateDir });
    const appKey = (await createApp({ remote: false, stateDir }, 'retrain test')).key;
    const adminKey = 'retrain-test-admin';
    const dev = await startOnFreePort(stateDir, { ADMIN_KEY: adminKey, LATEST_TTL_SECONDS: '0' });
    return {
      url: dev.url,
      stateDir,
      adminKey,
      appKey,
      dev,
      async close() {
        await dev.stop();
        await rm(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

/** A port free a moment ago can be taken before wrangler binds it (other suites run beside this one): try another. */
async function startOnFreePort(stateDir: string, vars: Record<string, string>): Promise<WranglerDev> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe', vars });
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test((error as Error).message)) throw error;
    }
  }
}

/** What GET /v1/models says about one model: its latest version and every version listed. */
export async function servedVersions(url: string, model: string): Promise<{ latest: string; versions: string[] }> {
  const body = (await (await fetch(`${url}/v1/models`)).json()) as { models: Array<{ name: string; latest: string; versions: Array<{ version: string }> }> };
  const entry = body.models.find((m) => m.name === model);
  if (!entry) throw new Error(`${model} is not served by ${url}`);
  return { latest: entry.latest, versions: entry.versions.map((v) => v.version) };
}

/** `npm run retrain` against the edge, publishing into its state; the new version lands under `outDir`. */
export function retrainOnEdge(edge: RetrainEdge, model: string, outDir: string, args: readonly string[] = []): Promise<ScriptResult> {
  return runScript(
    'scripts/retrain.ts',
    ['--model', model, '--from', edge.url, '--key', edge.adminKey, '--out', outDir, '--publish', '--persist-to', edge.stateDir, ...args],
    300_000,
  );
}
