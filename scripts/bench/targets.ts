import type { BrowserBenchResults } from './browser/browser-bench.ts';
import { BARE_ASSETS_JSON, BARE_JSON, EDGE_BINARY, EDGE_JSON, type EdgeBenchResults } from './edge/edge-bench.ts';
import type { IngestBenchResults } from './edge/ingest-bench.ts';
import { directName, sdkName, TFJS_NAME, type NodeBenchResults } from './node/node-bench.ts';
import type { PersonalizeNodeResults } from './personalize/personalize-node-bench.ts';

/** One goal of issue #3, checked against this run's medians. */
export interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly unit: 'x' | 'ms' | 'req/s' | 'samples/s' | 'samples' | 'errors';
  readonly comparison: '>=' | '<=';
  readonly target: number;
  readonly met: boolean;
}

function check(name: string, value: number, unit: TargetCheck['unit'], comparison: TargetCheck['comparison'], target: number): TargetCheck {
  return { name, value, unit, comparison, target, met: comparison === '>=' ? value >= target : value <= target };
}

function medianThroughput(node: NodeBenchResults, contender: string): number {
  const row = node.throughput.find((candidate) => candidate.contender === contender);
  if (!row) throw new Error(`no throughput row for ${contender}`);
  return row.imagesPerSecond.median;
}

export function nodeTargets(node: NodeBenchResults): TargetCheck[] {
  const threadCounts = [...new Set(node.throughput.filter((row) => row.contender.startsWith('sdk')).map((row) => row.threads))];
  return threadCounts.flatMap((threads) => {
    const sdk = medianThroughput(node, sdkName(threads));
    return [
      check(`Node batch throughput, SDK / direct ORT, ${threads} thread${threads === 1 ? '' : 's'}`, sdk / medianThroughput(node, directName(threads)), 'x', '>=', 0.9),
      check(`Node batch throughput, SDK / tfjs-wasm, ${threads} thread${threads === 1 ? '' : 's'}`, sdk / medianThroughput(node, TFJS_NAME), 'x', '>=', 5),
    ];
  });
}

export function browserTargets(browser: BrowserBenchResults): TargetCheck[] {
  return [
    check('Browser single-image overhead, SDK worker - main-thread ORT', browser.latency.overheadMs, 'ms', '<=', 0.15),
    check('Browser cold start, loadClassifier() to first result (median)', browser.coldStart.ms.median, 'ms', '<=', 800),
    check('Browser cold start, SDK / bare ORT Web worker (medians, interleaved fresh contexts)', browser.bareOrtColdStart.ratio, 'x', '<=', 1.0),
    check('Browser WASM personalize, 20 steps x batch 32 (median, steps)', browser.personalize.stepsMs.median, 'ms', '<=', 10),
  ];
}

export function personalizeTargets(personalize: PersonalizeNodeResults): TargetCheck[] {
  return [
    check('Node personalize, 20 steps x batch 32 (median, steps)', personalize.sdkSteps.median, 'ms', '<=', 3),
    check('Node personalize, SDK steps vs TF.js wasm training the same head', personalize.speedup, 'x', '>=', 5),
  ];
}

export function edgeTargets(edge: EdgeBenchResults): TargetCheck[] {
  const row = (name: string) => {
    const found = edge.load.find((candidate) => candidate.contender === name);
    if (!found) throw new Error(`no edge row for ${name}`);
    return found;
  };
  const [json, binary, bare, bareAssets] = [row(EDGE_JSON), row(EDGE_BINARY), row(BARE_JSON), row(BARE_ASSETS_JSON)];
  return [
    check('Edge single-image classify, JSON body (median req/s)', json.requestsPerSecond.median, 'req/s', '>=', 700),
    check('Edge single-image classify, JSON body (median p99)', json.p99Ms.median, 'ms', '<=', 35),
    check('Edge classify errors, JSON and binary bodies', json.errors + binary.errors, 'errors', '<=', 0),
    check('Edge / bare Worker req/s, JSON body', json.requestsPerSecond.median / bare.requestsPerSecond.median, 'x', '>=', 0.9),
    // Like with like: under wrangler dev, [assets] adds Miniflare's asset router to every request.
    check('Edge / bare Worker with the same [assets] req/s, JSON body', json.requestsPerSecond.median / bareAssets.requestsPerSecond.median, 'x', '>=', 0.9),
  ];
}

export function ingestTargets(ingest: IngestBenchResults): TargetCheck[] {
  return [
    check('Edge ingestion, batches of 256 (median samples/s)', ingest.edge.samplesPerSecond.median, 'samples/s', '>=', 5000),
    check('Edge ingestion, samples sent but not stored once (|sent - stored|)', Math.abs(ingest.samples - ingest.stored), 'samples', '<=', 0),
    check('Edge ingestion errors', ingest.edge.errors, 'errors', '<=', 0),
  ];
}
