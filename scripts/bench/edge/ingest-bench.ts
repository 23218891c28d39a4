import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SAMPLES_PER_REQUEST } from '../../../sdk/src/samples/sample-wire.ts';
import { PIXELS } from '../../data/mnist.ts';
import { createApp } from '../../edge/app-keys.ts';
import { freePort } from '../../edge/free-port.ts';
import { publishLocally } from '../../edge/publish-local.ts';
import { applyMigrations } from '../../edge/samples-db.ts';
import { startWranglerDev } from '../../edge/wrangler-dev.ts';

/** Samples sent by `npm run bench -- --only edge`: 200 requests of 256. */
export const INGEST_SAMPLES = 51_200;
/** Requests in flight at once. */
export const INGEST_CONNECTIONS = 4;

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

export interface IngestBenchOptions {
  readonly samples: number;
  readonly connections: number;
  /** MNIST digits (784 bytes each) and their labels, sent in turn under fresh ids. */
  readonly digits: { readonly bytes: Uint8Array; readonly labels: Uint8Array };
  readonly log: (line: string) => void;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * POST /v1/samples in batches of 256 against a local `wrangler dev` on a fresh state directory,
 * `connections` requests in flight; then the stored count is read back and compared.
 */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResults> {
  const batchSize = MAX_SAMPLES_PER_REQUEST;
  const count = options.digits.labels.length;
  if (count === 0 || options.digits.bytes.length !== count * PIXELS) throw new RangeError(`ingest bench: expected ${count} digits of ${PIXELS} bytes`);
  const stateDir = await mkdtemp(join(tmpdir(), 'edgetune-ingest-'));
  try {
    options.log('edge ingest: publishing mnist-cnn and applying migrations to a fresh local state');
    await publishLocally('models', ['mnist-cnn'], stateDir);
    await applyMigrations({ remote: false, stateDir });
    const { key } = await createApp({ remote: false, stateDir }, 'ingest bench');
    const dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe' });
    try {
      const pixels = Array.from({ length: count }, (_, i) => Buffer.from(options.digits.bytes.subarray(i * PIXELS, (i + 1) * PIXELS)).toString('base64'));
      const body = (n: number) =>
        JSON.stringify({
          samples: Array.from({ length: batchSize }, (_, i) => {
            const digit = (n * batchSize + i) % count;
            return { id: crypto.randomUUID(), model: 'mnist-cnn', label: String(options.digits.labels[digit]), pixels: pixels[digit] };
          }),
        });
      const post = async (text: string) => {
        const started = performance.now();
        const response = await fetch(`${dev.url}/v1/samples`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: text });
        const answer = (await response.json()) as { accepted?: number };
        return { ms: performance.now() - started, ok: response.ok && answer.accepted === batchSize };
      };
      const warmUp = await post(body(0)); // the first request starts the isolate
      if (!warmUp.ok) throw new Error('ingest bench: the warm-up batch was not accepted whole');
      const batches = Math.ceil(options.samples / batchSize);
      const bodies = Array.from({ length: batches }, (_, n) => body(n));
      options.log(`edge ingest: ${batches} requests of ${batchSize} samples, ${options.connections} in flight`);
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
