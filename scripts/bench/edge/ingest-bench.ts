import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SAMPLES_PER_REQUEST } from '../../../sdk/src/samples/sample-wire.ts';
import { insertRows } from '../../../workers/src/samples/sample-insert.ts';
import { PIXELS } from '../../data/mnist.ts';
import { createApp } from '../../edge/app-keys.ts';
import { freePort } from '../../edge/free-port.ts';
import { publishLocally } from '../../edge/publish-local.ts';
import { applyMigrations } from '../../edge/samples-db.ts';
import { startWranglerDev, type WranglerDev } from '../../edge/wrangler-dev.ts';
import { runInterleaved } from '../interleave.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { summarize, type SampleSummary } from '../sample-stats.ts';

/** Samples each contender receives in `npm run bench -- --only edge`: 8 rounds of 25 requests of 256. */
export const INGEST_SAMPLES = 51_200;
export const INGEST_ROUNDS = 8;
/** Requests in flight at once. */
export const INGEST_CONNECTIONS = 4;

export interface IngestContenderResults {
  /** Per round: samples sent / the round's wall time. */
  readonly samplesPerSecond: SampleSummary;
  /** Over every request of every round. */
  readonly requestMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly errors: number;
}

export interface IngestBenchResults {
  readonly samples: number;
  readonly batchSize: number;
  readonly connections: number;
  readonly rounds: number;
  /** POST /v1/samples on the edge Worker: key, rate limit, checks, hashing, one INSERT. */
  readonly edge: IngestContenderResults;
  /** workers/bench/ingest: the same INSERT on prepared rows, nothing else (wrangler dev and D1's floor). */
  readonly floor: IngestContenderResults;
  /** Counted by the edge's GET /v1/samples/stats afterwards: must equal `samples`. */
  readonly stored: number;
}

export interface IngestBenchOptions {
  readonly samples: number;
  readonly connections: number;
  readonly rounds: number;
  /** MNIST digits (784 bytes each) and their labels, sent in turn under fresh ids. */
  readonly digits: { readonly bytes: Uint8Array; readonly labels: Uint8Array };
  readonly log: (line: string) => void;
}

interface Contender {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** One body per request, per round: prepared before the clock starts. */
  readonly bodies: string[][];
  readonly latencies: number[];
  readonly rates: number[];
  errors: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

function summary(contender: Contender): IngestContenderResults {
  const sorted = [...contender.latencies].sort((a, b) => a - b);
  return {
    samplesPerSecond: summarize(contender.rates),
    requestMs: { p50: round1(percentile(sorted, 50)), p99: round1(percentile(sorted, 99)), max: round1(sorted.at(-1)!) },
    errors: contender.errors,
  };
}

/** A fresh local state with mnist-cnn published, the schema applied and an app; its id and key. */
async function prepareState(stateDir: string): Promise<{ id: string; key: string }> {
  await publishLocally('models', ['mnist-cnn'], stateDir);
  await applyMigrations({ remote: false, stateDir });
  return createApp({ remote: false, stateDir }, 'ingest bench');
}

/**
 * POST /v1/samples in batches of 256 to the edge Worker under a local `wrangler dev`, in rounds
 * interleaved with the floor Worker (the same INSERT on prepared rows), `connections` requests in
 * flight; then the edge's stored count is read back and compared with the count sent.
 */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResults> {
  const batchSize = MAX_SAMPLES_PER_REQUEST;
  const count = options.digits.labels.length;
  if (count === 0 || options.digits.bytes.length !== count * PIXELS) throw new RangeError(`ingest bench: expected ${count} digits of ${PIXELS} bytes`);
  const perRound = Math.max(1, Math.ceil(options.samples / batchSize / options.rounds));
  const digit = (n: number) => ({ label: String(options.digits.labels[n % count]), bytes: options.digits.bytes.subarray((n % count) * PIXELS, (n % count + 1) * PIXELS) });
  const base64 = Array.from({ length: count }, (_, n) => Buffer.from(digit(n).bytes).toString('base64'));
  const edgeBody = () =>
    JSON.stringify({ samples: Array.from({ length: batchSize }, (_, i) => ({ id: crypto.randomUUID(), model: 'mnist-cnn', label: digit(i).label, pixels: base64[i % count] })) });
  const floorBody = () =>
    insertRows(Array.from({ length: batchSize }, (_, i) => ({ id: crypto.randomUUID(), model: 'mnist-cnn', version: 'floor', label: digit(i).label, pixels: digit(i).bytes, userHash: null, contentHash: '0'.repeat(64) })));
  const bodies = (make: () => string) => Array.from({ length: options.rounds }, () => Array.from({ length: perRound }, make));

  const dirs = await Promise.all([mkdtemp(join(tmpdir(), 'edgetune-ingest-')), mkdtemp(join(tmpdir(), 'edgetune-ingest-floor-'))]);
  const devs: WranglerDev[] = [];
  try {
    options.log('edge ingest: publishing mnist-cnn and applying migrations to fresh local states (edge, floor)');
    const [edgeApp, floorApp] = await Promise.all(dirs.map(prepareState));
    const edgeDev = await startWranglerDev({ port: await freePort(), stateDir: dirs[0]!, stdio: 'pipe' });
    devs.push(edgeDev);
    const floorDev = await startWranglerDev({ port: await freePort(), stateDir: dirs[1]!, stdio: 'pipe', config: join(REPO_ROOT, 'workers/bench/ingest/wrangler.toml') });
    devs.push(floorDev);
    const contender = (url: string, headers: Record<string, string>, make: () => string): Contender => ({ url, headers, bodies: bodies(make), latencies: [], rates: [], errors: 0 });
    const json = { 'Content-Type': 'application/json' };
    const edge = contender(`${edgeDev.url}/v1/samples`, { ...json, Authorization: `Bearer ${edgeApp!.key}` }, edgeBody);
    const floor = contender(`${floorDev.url}/insert?app=${floorApp!.id}`, json, floorBody);

    // A request that fails (refused, reset, not all accepted) counts as an error, not as the end of the run.
    const post = async (target: Contender, body: string) => {
      const started = performance.now();
      try {
        const response = await fetch(target.url, { method: 'POST', headers: target.headers, body });
        const answer = (await response.json().catch(() => ({}))) as { accepted?: number };
        return { ms: performance.now() - started, ok: response.ok && answer.accepted === batchSize, failure: `HTTP ${response.status}` };
      } catch (error) {
        return { ms: performance.now() - started, ok: false, failure: String((error as Error).cause ?? error) };
      }
    };
    // The first request starts each isolate; the edge's warm-up batch is counted out below.
    for (const [name, target, body] of [['edge', edge, edgeBody()], ['floor', floor, floorBody()]] as const) {
      const warmUp = await post(target, body);
      if (!warmUp.ok) throw new Error(`ingest bench: the ${name} warm-up batch was not accepted whole (${warmUp.failure})`);
    }
    options.log(`edge ingest: ${options.rounds} interleaved rounds of ${perRound} requests of ${batchSize} samples per contender, ${options.connections} in flight`);
    const turn = async (target: Contender) => {
      // One list of bodies per turn: every request stores fresh ids.
      const queue = target.bodies[target.rates.length]!;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: options.connections }, async () => {
          while (next < queue.length) {
            const result = await post(target, queue[next++]!);
            target.latencies.push(result.ms);
            if (!result.ok && target.errors++ === 0) options.log(`edge ingest: a request failed (${result.failure}); failures are counted as errors`);
          }
        }),
      );
      target.rates.push((queue.length * batchSize) / ((performance.now() - started) / 1000));
    };
    await runInterleaved(
      [
        { name: 'edge', run: () => turn(edge) },
        { name: 'floor', run: () => turn(floor) },
      ],
      { rounds: options.rounds, warmupRounds: 0, callsPerTurn: 1, settleMs: 300 },
    );
    const stats = (await (await fetch(`${edgeDev.url}/v1/samples/stats`, { headers: edge.headers })).json()) as { counts: { count: number }[] };
    return {
      samples: options.rounds * perRound * batchSize,
      batchSize,
      connections: options.connections,
      rounds: options.rounds,
      edge: summary(edge),
      floor: summary(floor),
      stored: stats.counts.reduce((sum, row) => sum + row.count, 0) - batchSize,
    };
  } finally {
    await Promise.all(devs.map((dev) => dev.stop()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
