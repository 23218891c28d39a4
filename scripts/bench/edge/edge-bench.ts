import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { freePort } from '../../edge/free-port.ts';
import { publishLocally } from '../../edge/publish-local.ts';
import { startWranglerDev, type WranglerDev } from '../../edge/wrangler-dev.ts';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import { runInterleaved, type Contender } from '../interleave.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { CONNECTIONS, runLoad, type LoadTarget } from './load-run.ts';
import { runLoadTurn, summarizeTurns, type EdgeLoadRow, type LoadTurn } from './load-turn.ts';
import { startNodeOrtServer, type NodeServer } from './node-server-process.ts';
import { productAssetsSection, writeConfigVariant } from './wrangler-config-variant.ts';
import { measureWorkerBundle, type WorkerBundleSize } from './worker-bundle-size.ts';
import { workerdRssBytes } from './workerd-memory.ts';

export const EDGE_JSON = 'edge Worker, JSON';
export const EDGE_BINARY = 'edge Worker, binary';
export const BARE_JSON = 'bare Worker, JSON';
/** The bare Worker given the edge's [assets] set-up: under wrangler dev each request then crosses Miniflare's asset router too. */
export const BARE_ASSETS_JSON = 'bare Worker + [assets], JSON';
export const NODE_JSON = 'Node + onnxruntime-node, JSON';

/** Each edge round loads every contender for seconds, so it takes --rounds / this many rounds. */
export const EDGE_ROUNDS_DIVISOR = 10;
/** Seconds of load per contender per round, and of untimed load before the rounds. */
export const TURN_SECONDS = 5;
export const WARMUP_SECONDS = 3;
/** Lets the previous contender's queue drain and its process go idle. */
export const SETTLE_MS = 500;

export type { EdgeLoadRow };

export interface EdgeBenchResults {
  readonly rounds: number;
  readonly turnSeconds: number;
  readonly connections: number;
  readonly load: readonly EdgeLoadRow[];
  /** First classify after the server answered its health check (ORT start-up, R2 reads, session). */
  readonly coldMs: Record<string, number>;
  /** Whether each contender's first answer named the image's true class. */
  readonly correct: Record<string, boolean>;
  /** Resident memory of the workerd process running each Worker (wrangler's proxy excluded), bytes. */
  readonly memory: Record<string, { readonly idle?: number; readonly afterCold?: number; readonly afterLoad?: number }>;
  readonly bundle: WorkerBundleSize;
}

export interface EdgeBenchOptions {
  readonly rounds: number;
  readonly log: (line: string) => void;
}

interface Started {
  edge?: WranglerDev;
  bare?: WranglerDev;
  bareAssets?: WranglerDev;
  node?: NodeServer;
  dirs: string[];
}

/** Top class of a JSON answer, whatever the server's shape (edge: predictions[0].index; others: probs). */
function topClass(answer: unknown): number {
  const edge = answer as { predictions?: Array<{ index: number }> };
  if (edge.predictions) return edge.predictions[0]!.index;
  const probs = (answer as { probs: number[] }).probs;
  return probs.indexOf(Math.max(...probs));
}

/** One classify request: its wall time and the answer's top class; a non-2xx answer throws. */
export async function firstClassify(target: LoadTarget): Promise<{ ms: number; index: number }> {
  const start = performance.now();
  const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': target.contentType }, body: typeof target.body === 'string' ? target.body : Uint8Array.from(target.body) });
  const answer: unknown = await response.json();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`${target.url} answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  return { ms, index: topClass(answer) };
}

/**
 * The edge Worker under `wrangler dev` (JSON and binary bodies), a bare Worker (ORT only) under
 * `wrangler dev`, alone and with the edge's [assets] section (like with like), and a Node http server with onnxruntime-node, all on 127.0.0.1, loaded in
 * interleaved rounds by autocannon with one MNIST test image per request.
 */
export async function runEdgeBench(checkpoint: BenchCheckpoint, images: BenchImages, options: EdgeBenchOptions): Promise<EdgeBenchResults> {
  const { log } = options;
  const started: Started = { dirs: [] };
  try {
    log('edge: measuring the Worker bundle (wrangler deploy --dry-run)');
    const bundle = await measureWorkerBundle(join(REPO_ROOT, 'wrangler.toml'));

    const [edgeState, bareState, bareAssetsState] = [
      await mkdtemp(join(tmpdir(), 'edgetune-bench-edge-')),
      await mkdtemp(join(tmpdir(), 'edgetune-bench-bare-')),
      await mkdtemp(join(tmpdir(), 'edgetune-bench-bare-assets-')),
    ];
    started.dirs.push(edgeState, bareState, bareAssetsState);
    const bareConfig = join(REPO_ROOT, 'workers/bench/wrangler.toml');
    const bareAssetsConfig = await writeConfigVariant(bareConfig, bareAssetsState, { addAssets: await productAssetsSection() });
    log(`edge: publishing ${checkpoint.name} to a fresh local R2, starting wrangler dev (edge and bare Workers) and the Node server`);
    await publishLocally(dirname(checkpoint.directory), [basename(checkpoint.directory)], edgeState);
    started.edge = await startWranglerDev({ port: await freePort(), stateDir: edgeState, stdio: 'pipe' });
    started.bare = await startWranglerDev({ port: await freePort(), stateDir: bareState, stdio: 'pipe', config: bareConfig });
    started.bareAssets = await startWranglerDev({ port: await freePort(), stateDir: bareAssetsState, stdio: 'pipe', config: bareAssetsConfig });
    started.node = await startNodeOrtServer(join(checkpoint.directory, 'model.onnx'));

    const image = images.pixels.subarray(0, 784);
    const json = JSON.stringify({ inputs: [Array.from(image)] });
    const targets: Record<string, LoadTarget> = {
      [EDGE_JSON]: { url: `${started.edge.url}/v1/models/${checkpoint.name}/classify`, contentType: 'application/json', body: json },
      [EDGE_BINARY]: { url: `${started.edge.url}/v1/models/${checkpoint.name}/classify`, contentType: 'application/octet-stream', body: Buffer.from(images.bytes.subarray(0, 784)) },
      [BARE_JSON]: { url: `${started.bare.url}/`, contentType: 'application/json', body: json },
      // The bare Worker ignores the path; under /v1/ it takes the edge's route through [assets].
      [BARE_ASSETS_JSON]: { url: `${started.bareAssets.url}/v1/models/${checkpoint.name}/classify`, contentType: 'application/json', body: json },
      [NODE_JSON]: { url: `${started.node.url}/`, contentType: 'application/json', body: json },
    };
    const groups: Record<string, WranglerDev> = { 'edge Worker': started.edge, 'bare Worker': started.bare, 'bare Worker + [assets]': started.bareAssets };
    const rss = (dev: WranglerDev) => workerdRssBytes(dev.child.pid!, Number(new URL(dev.url).port));
    const memory: EdgeBenchResults['memory'] = {};
    for (const [name, group] of Object.entries(groups)) memory[name] = { idle: rss(group) };

    const coldMs: Record<string, number> = {};
    const correct: Record<string, boolean> = {};
    for (const [name, target] of Object.entries(targets)) {
      const first = await firstClassify(target);
      coldMs[name] = first.ms;
      correct[name] = first.index === images.labels[0];
      log(`edge: ${name}: first classify ${first.ms.toFixed(0)} ms, class ${first.index} (label ${images.labels[0]})`);
    }
    for (const [name, group] of Object.entries(groups)) memory[name] = { ...memory[name], afterCold: rss(group) };

    for (const [name, target] of Object.entries(targets)) await runLoad(target, WARMUP_SECONDS);
    const samples: Record<string, LoadTurn[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    const devOf: Record<string, WranglerDev> = { [EDGE_JSON]: started.edge, [EDGE_BINARY]: started.edge, [BARE_JSON]: started.bare, [BARE_ASSETS_JSON]: started.bareAssets };
    const contenders: Contender[] = Object.entries(targets).map(([name, target]) => ({
      name,
      run: async () => samples[name]!.push(await runLoadTurn(target, TURN_SECONDS, devOf[name])),
    }));
    log(`edge: ${options.rounds} interleaved rounds of ${TURN_SECONDS} s per contender, autocannon with ${CONNECTIONS} connections`);
    await runInterleaved(contenders, { rounds: options.rounds, warmupRounds: 0, callsPerTurn: 1, settleMs: SETTLE_MS });
    for (const [name, group] of Object.entries(groups)) memory[name] = { ...memory[name], afterLoad: rss(group) };

    const load = Object.entries(samples).map(([contender, turns]) => summarizeTurns(contender, turns));
    return { rounds: options.rounds, turnSeconds: TURN_SECONDS, connections: CONNECTIONS, load, coldMs, correct, memory, bundle };
  } finally {
    await Promise.all([started.edge?.stop(), started.bare?.stop(), started.bareAssets?.stop(), started.node?.stop()]);
    await Promise.all(started.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
