import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../scripts/edge/app-keys.ts';
import { freePort } from '../../scripts/edge/free-port.ts';
import { publishLocally } from '../../scripts/edge/publish-local.ts';
import { applyMigrations } from '../../scripts/edge/samples-db.ts';
import { startWranglerDev, type WranglerDev } from '../../scripts/edge/wrangler-dev.ts';

/** The admin key the samples edge runs with (export). */
export const SAMPLES_ADMIN_KEY = 'samples-test-admin';

export interface SamplesEdge {
  readonly stateDir: string;
  /** An app key created for the test. */
  readonly key: string;
  /** The running server; undefined between a kill and the next start(). */
  readonly dev: WranglerDev | undefined;
  /** Starts `wrangler dev` again on the same port and state (local D1 persists on disk). */
  start(): Promise<WranglerDev>;
  /** Stops the server and removes its state. */
  close(): Promise<void>;
}

/**
 * A real `wrangler dev` on a free port with mnist-cnn published, the D1 migrations applied and an
 * app key created, on a fresh state directory.
 */
export async function startSamplesEdge(): Promise<SamplesEdge> {
  const stateDir = await mkdtemp(join(tmpdir(), 'edgetune-samples-'));
  let dev: WranglerDev | undefined;
  const close = async () => {
    await dev?.stop();
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    await publishLocally('models', ['mnist-cnn'], stateDir);
    await applyMigrations({ remote: false, stateDir });
    const { key } = await createApp({ remote: false, stateDir }, 'samples test');
    const port = await freePort();
    const start = async () => (dev = await startWranglerDev({ port, stateDir, stdio: 'pipe', vars: { ADMIN_KEY: SAMPLES_ADMIN_KEY } }));
    await start();
    return {
      stateDir,
      key,
      get dev() {
        return dev;
      },
      start,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Every stored id of one model, in seq order, through the admin export, page by page. */
export async function exportedSampleIds(url: string, model = 'mnist-cnn'): Promise<string[]> {
  const ids: string[] = [];
  for (let after = 0; ; ) {
    const response = await fetch(`${url}/v1/samples/export?model=${model}&after=${after}`, { headers: { Authorization: `Bearer ${SAMPLES_ADMIN_KEY}` } });
    if (response.status !== 200) throw new Error(`the export answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const lines = (await response.text()).split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as { id: string; seq: number });
    if (lines.length === 0) return ids;
    ids.push(...lines.map((line) => line.id));
    after = lines.at(-1)!.seq;
  }
}
