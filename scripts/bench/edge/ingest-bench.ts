import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../edge/app-keys.ts';
import { freePort } from '../../edge/free-port.ts';
import { publishLocally } from '../../edge/publish-local.ts';
import { applyMigrations } from '../../edge/samples-db.ts';
import { startWranglerDev } from '../../edge/wrangler-dev.ts';

export interface IngestBenchResults {
  readonly samples: number;
  readonly batchSize: number;
  readonly connections: number;
  readonly samplesPerSecond: number;
  readonly requestMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Counted by GET /v1/samples/stats afterwards: must equal `samples`. */
  readonly stored: number;
  readonly errors: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * POST /v1/samples in batches of 256 against a local `wrangler dev` on a fresh state directory,
 * `connections` requests in flight; then the stored count is read back and compared.
 */
export async function runIngestBench(options: { samples: number; connections: number; log: (line: string) => void }): Promise<IngestBenchResults> {
  const batchSize = 256;
  const stateDir = await mkdtemp(join(tmpdir(), 'edgetune-ingest-'));
  try {
    options.log('edge ingest: publishing mnist-cnn and applying migrations to a fresh local state');
    await publishLocally('models', ['mnist-cnn'], stateDir);
    await applyMigrations({ remote: false, stateDir });
    const { key } = await createApp({ remote: false, stateDir }, 'ingest bench');
    const dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe' });
    try {
      const pixels = Buffer.alloc(784);
      const body = (n: number) =>
        JSON.stringify({
          samples: Array.from({ length: batchSize }, (_, i) => {
            pixels.fill((n * batchSize + i) % 256);
            return { id: crypto.randomUUID(), model: 'mnist-cnn', label: String(i % 10), pixels: pixels.toString('base64') };
          }),
        });
      const post = async (text: string) => {
        const started = performance.now();
        const response = await fetch(`${dev.url}/v1/samples`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: text });
        const answer = (await response.json()) as { accepted?: number };
        return { ms: performance.now() - started, ok: response.ok && answer.accepted === batchSize };
      };
      await post(body(-1)); // warm-up: the first request starts the isolate
      const batches = Math.ceil(options.samples / batchSize);
      const bodies = Array.from({ length: batches }, (_, n) => body(n));
      const latencies: number[] = [];
      let errors = 0;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: options.connections }, async () => {
          while (next < batches) {
            const result = await post(bodies[next++]!);
            latencies.push(result.ms);
            if (!result.ok) errors++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const stats = (await (await fetch(`${dev.url}/v1/samples/stats`, { headers: { Authorization: `Bearer ${key}` } })).json()) as { counts: { count: number }[] };
      const stored = stats.counts.reduce((sum, row) => sum + row.count, 0) - batchSize;
      latencies.sort((a, b) => a - b);
      const round = (ms: number) => Math.round(ms * 10) / 10;
      return {
        samples: batches * batchSize,
        batchSize,
        connections: options.connections,
        samplesPerSecond: Math.round((batches * batchSize) / seconds),
        requestMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1)!) },
        stored,
        errors,
      };
    } finally {
      await dev.stop();
    }
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
