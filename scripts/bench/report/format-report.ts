import { cpus } from 'node:os';
import type { BenchResults } from '../bench-results.ts';
import type { BrowserBenchResults } from '../browser/browser-bench.ts';
import type { CpuCompetition } from '../cpu-competition.ts';
import { BARE_ASSETS_JSON, BARE_JSON, EDGE_BINARY, EDGE_JSON, NODE_JSON, type EdgeBenchResults } from '../edge/edge-bench.ts';
import type { IngestBenchResults } from '../edge/ingest-bench.ts';
import { FREE_PLAN_LIMIT_BYTES, PAID_PLAN_LIMIT_BYTES } from '../edge/worker-bundle-size.ts';
import { directChunkedName, directName, sdkName, TFJS_NAME, type NodeBenchResults } from '../node/node-bench.ts';
import type { SampleSummary } from '../sample-stats.ts';
import type { BundleSize } from '../size/sdk-size.ts';
import type { PersonalizeNodeResults } from '../personalize/personalize-node-bench.ts';
import type { TargetCheck } from '../targets.ts';
import { formatTable } from './text-table.ts';
import { CPU_RUN_CHUNK } from '../../../sdk/src/engine/ort-types.ts';

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (value < 10 ? value.toFixed(3) : value.toFixed(1));
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const ratio = (value: number) => `${value.toFixed(2)}x`;

function competitionSummary(competition: Record<string, CpuCompetition | undefined>): string {
  const parts = Object.entries(competition).map(([section, measured]) =>
    measured ? `${section} ${measured.otherCores.toFixed(2)} cores (steal ${measured.stealCores.toFixed(2)})` : `${section} unknown`,
  );
  return parts.length > 0 ? parts.join(', ') : 'not measured';
}

function spread(summary: SampleSummary, format: (value: number) => string): string[] {
  return [format(summary.median), format(summary.p10), format(summary.p90)];
}

function nodeSection(node: NodeBenchResults, cpuDerivation: string): string {
  const rows = node.throughput.map((row) => [
    row.contender,
    String(row.threads),
    ...spread(row.imagesPerSecond, integer),
    row.gflopsPerSecond.toFixed(1),
    percent(row.peakFraction),
    row.runtime,
  ]);
  const threadCounts = [...new Set(node.throughput.filter((row) => row.contender.startsWith('sdk')).map((row) => row.threads))];
  const median = (name: string) => node.throughput.find((row) => row.contender === name)!.imagesPerSecond.median;
  const ratios = threadCounts.map(
    (threads) =>
      `  ${threads} thread${threads === 1 ? ' ' : 's'}: SDK / direct ORT ${ratio(median(sdkName(threads)) / median(directName(threads)))}` +
      `, SDK / tfjs-wasm ${ratio(median(sdkName(threads)) / median(TFJS_NAME))}` +
      `; direct ORT in runs of ${CPU_RUN_CHUNK} / direct ORT ${ratio(median(directChunkedName(threads)) / median(directName(threads)))}`,
  );
  const latency = formatTable(
    ['contender', 'median ms', 'p10', 'p90'],
    [
      [sdkName(node.latency.threads), ...spread(node.latency.sdkMs, ms)],
      [directName(node.latency.threads), ...spread(node.latency.directMs, ms)],
    ],
    ['left', 'right', 'right', 'right'],
  );
  return [
    `NODE: classifyBatch(${node.batchSize} MNIST test images), ${node.rounds} interleaved rounds, ${node.throughput[0]?.imagesPerSecond.n ?? 0} samples each, images/s`,
    formatTable(['contender', 'threads', 'median', 'p10', 'p90', 'GFLOP/s', 'of peak', 'runtime'], rows, [
      'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left',
    ]),
    'ratios of medians (targets: SDK >= 0.9x direct, >= 5x tfjs-wasm; tfjs-wasm is single-threaded in Node).',
    'The SDK\'s worker runs a batch in runs of 64 images (their activations stay in cache); the last ratio',
    'shows what that split alone gives onnxruntime-node called directly:',
    ...ratios,
    `peak: ${cpuDerivation}; "of peak" is against threads x that.`,
    'A LeNet-sized net runs far from peak by nature: its GEMMs are tiny (5x5 kernels, 20-40 channels),',
    'so im2col, pooling, softmax, memory traffic and per-op dispatch weigh as much as the multiply-adds.',
    'The figure shows where it stands, not a goal.',
    `top-class agreement on the batch: SDK vs direct ${percent(node.agreement.sdkVsDirect)}, SDK vs tfjs ${percent(node.agreement.sdkVsTfjs)}` +
      ` (batch accuracy ${percent(node.batchAccuracy)})`,
    '',
    `NODE: single-image classify, ${node.latency.threads} thread, ms`,
    latency,
    `SDK overhead (median - median): ${ms(node.latency.sdkMs.median - node.latency.directMs.median)} ms`,
  ].join('\n');
}

function browserSection(browser: BrowserBenchResults): string {
  const latency = browser.latency;
  const rows = [
    ['SDK worker (wasm)', ...spread(latency.sdkMs, ms), latency.runtimes['sdk-worker'] ?? ''],
    ['ORT main thread (wasm)', ...spread(latency.directMs, ms), latency.runtimes['ort-main-thread'] ?? ''],
    ['ORT bare worker (wasm)', ...spread(latency.bareWorkerMs, ms), `${latency.runtimes['ort-bare-worker'] ?? ''} (for scale)`],
    ['worker echo', ...spread(latency.workerEchoMs, ms), `${latency.runtimes['worker-echo'] ?? ''} (for scale)`],
    ['cold start', ...spread(browser.coldStart.ms, ms), `fresh context, files from: ${[...new Set(browser.coldStart.loadedFrom)].join(', ')}`],
    ['ORT bare worker cold start', ...spread(browser.bareOrtColdStart.ms, ms), `fresh context, model.onnx only; SDK cold start / this: ${browser.bareOrtColdStart.ratio.toFixed(2)}x`],
    ['warm start', ...spread(browser.warmStart.ms, ms), `page reloaded, files from: ${[...new Set(browser.warmStart.loadedFrom)].join(', ')}`],
    ['personalize, 20 steps x 32', ...spread(browser.personalize.stepsMs, ms), `SGD steps in the worker; whole call median ${ms(browser.personalize.callMs.median)} ms`],
    'unavailable' in browser.webgpu
      ? ['SDK worker (webgpu)', '-', '-', '-', browser.webgpu.unavailable]
      : ['SDK worker (webgpu)', ...spread(browser.webgpu.ms, ms), `${browser.webgpu.runtime}; SwiftShader: CPU-emulated, for information`],
  ];
  return [
    `BROWSER: headless Chromium ${browser.chromium}, crossOriginIsolated ${browser.crossOriginIsolated}, ms`,
    formatTable(['measurement', 'median', 'p10', 'p90', 'notes'], rows, ['left', 'right', 'right', 'right', 'left']),
    `single-image overhead, SDK worker - ORT main thread (median - median): ${ms(latency.overheadMs)} ms; ` +
      `ORT in a bare worker - main thread: ${ms(latency.bareWorkerMs.median - latency.directMs.median)} ms; ` +
      `bare round trip: ${ms(latency.workerEchoMs.median)} ms; same top class: ${latency.sameTopClass}`,
    `session.run alone, timed inside the bare worker: ${ms(latency.bareWorkerRunMs.median)} ms (the whole main-thread call: ` +
      `${ms(latency.directMs.median)} ms), so of the bare worker's extra ${ms(latency.bareWorkerMs.median - latency.directMs.median)} ms, ` +
      `${ms(latency.bareWorkerRunMs.median - latency.directMs.median)} ms is ONNX Runtime running slower off the main thread.`,
    'cold/warm start: loadClassifier() call to the first classify() result, in an app bundled by `vite build` and served',
    'as static files from 127.0.0.1 (scripts/bench/browser/cold-start-app).',
  ].join('\n');
}

function personalizeSection(p: PersonalizeNodeResults): string {
  const rows = [
    ['SDK: the SGD steps', ...spread(p.sdkSteps, ms), `train-step.onnx, ${Math.round(p.steps * p.runsPerStep)} session run(s) for ${p.steps} steps, timed in the worker`],
    ['SDK: whole personalize() call', ...spread(p.sdkCall, ms), 'transfer, cached features, accuracy before/after, steps'],
    ['TF.js: the same head and loss', ...spread(p.tfjs, ms), `${p.tfjsRuntime}, autodiff + momentum SGD`],
  ];
  return [
    `PERSONALIZE (Node): ${p.steps} steps x batch ${p.batchSize} on the CNN head, ms`,
    formatTable(['contender', 'median', 'p10', 'p90', 'notes'], rows, ['left', 'right', 'right', 'right', 'left']),
    `TF.js / SDK steps (median / median): ${ratio(p.speedup)}`,
  ].join('\n');
}

function sizeSection(sizes: readonly BundleSize[]): string {
  const rows = sizes.map((size) => [size.file, integer(size.minifiedBytes), integer(size.gzipBytes)]);
  const total = sizes.reduce((sum, size) => ({ minified: sum.minified + size.minifiedBytes, gzip: sum.gzip + size.gzipBytes }), { minified: 0, gzip: 0 });
  rows.push(['total', integer(total.minified), integer(total.gzip)]);
  return [
    'SIZE: the SDK\'s own JS (esbuild bundle + minify, onnxruntime-web external; gzip level 6), bytes',
    formatTable(['file', 'minified', 'gzip'], rows, ['left', 'right', 'right']),
  ].join('\n');
}

function formatValue(value: number, unit: TargetCheck['unit']): string {
  switch (unit) {
    case 'x':
      return ratio(value);
    case 'ms':
      return `${ms(value)} ms`;
    default:
      return `${integer(value)} ${unit}`;
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

function edgeSection(edge: EdgeBenchResults): string {
  const rows = edge.load.map((row) => [
    row.contender,
    ...spread(row.requestsPerSecond, integer),
    ms(row.p50Ms.median),
    ms(row.p99Ms.median),
    integer(row.errors),
    integer(row.requests),
    edge.correct[row.contender] ? 'yes' : 'NO',
    `${integer(edge.coldMs[row.contender] ?? NaN)} ms`,
    row.workerCpuMs ? ms(row.workerCpuMs.median) : '-',
    row.totalCpuMs ? ms(row.totalCpuMs.median) : '-',
  ]);
  const rps = (name: string) => edge.load.find((row) => row.contender === name)?.requestsPerSecond.median ?? NaN;
  const memory = Object.entries(edge.memory).map(
    ([name, m]) =>
      `  ${name}: ${m.idle === undefined ? '?' : mib(m.idle)} idle, ${m.afterCold === undefined ? '?' : mib(m.afterCold)} after the first classify, ` +
      `${m.afterLoad === undefined ? '?' : mib(m.afterLoad)} after the load`,
  );
  const bundle = edge.bundle;
  return [
    `EDGE: single-image classify over loopback HTTP, autocannon with ${edge.connections} connections, ${edge.rounds} interleaved rounds of ${edge.turnSeconds} s each`,
    formatTable(['contender', 'req/s', 'p10', 'p90', 'p50 ms', 'p99 ms', 'errors', 'requests', 'correct', 'first classify', 'CPU ms/req Worker', 'CPU ms/req all'], rows, [
      'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'right', 'right',
    ]),
    'req/s: median over rounds (p10, p90 of rounds); p50/p99: median over rounds of each round\'s latency percentile.',
    'CPU ms/req: CPU time per request (median over rounds) of the workerd running the Worker (with Miniflare\'s routers), and of all of its wrangler dev (proxy workerd and wrangler too).',
    `ratios of median req/s: edge / bare ${ratio(rps(EDGE_JSON) / rps(BARE_JSON))}, ` +
      `edge / bare with the same [assets] ${ratio(rps(EDGE_JSON) / rps(BARE_ASSETS_JSON))}, ` +
      `bare + [assets] / bare ${ratio(rps(BARE_ASSETS_JSON) / rps(BARE_JSON))}, edge / Node ${ratio(rps(EDGE_JSON) / rps(NODE_JSON))}, ` +
      `binary / JSON ${ratio(rps(EDGE_BINARY) / rps(EDGE_JSON))}`,
    'first classify: the first request after the server answered (Workers: ORT start-up, session; the edge also reads and checks model.onnx from R2).',
    'memory: resident set of the workerd process running the Worker (its isolate with the wasm heap, plus workerd; wrangler\'s proxy excluded):',
    ...memory,
    `Worker bundle (wrangler deploy --dry-run): ${mib(bundle.bytes)} raw, ${mib(bundle.gzipBytes)} gzip; ` +
      `limits ${mib(PAID_PLAN_LIMIT_BYTES)} paid (${bundle.gzipBytes <= PAID_PLAN_LIMIT_BYTES ? 'fits' : 'OVER'}), ` +
      `${mib(FREE_PLAN_LIMIT_BYTES)} free (${bundle.gzipBytes <= FREE_PLAN_LIMIT_BYTES ? 'fits' : 'over'})`,
    ...bundle.files.slice(0, 4).map((file) => `  ${file.file}: ${mib(file.bytes)} raw, ${mib(file.gzipBytes)} gzip`),
  ].join('\n');
}

/** The ingestion run in a few lines (also printed by scripts/bench/edge/run-ingest-bench.ts). */
export function formatIngest(ingest: IngestBenchResults): string {
  const row = (name: string, c: IngestBenchResults['edge']) => [
    name,
    ...spread(c.samplesPerSecond, integer),
    ms(c.requestMs.p50),
    ms(c.requestMs.p99),
    ms(c.requestMs.max),
    integer(c.errors),
  ];
  const match = ingest.stored === ingest.samples ? 'equal' : 'MISMATCH';
  return [
    `EDGE INGESTION: POST /v1/samples in batches of ${ingest.batchSize} (MNIST digits, fresh ids), ${ingest.connections} requests in flight, ` +
      `local wrangler dev (D1 on disk), ${ingest.rounds} interleaved rounds`,
    formatTable(
      ['contender', 'samples/s', 'p10', 'p90', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
      [row('edge Worker, POST /v1/samples', ingest.edge), row('floor: the same INSERT on prepared rows', ingest.floor)],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    'samples/s: median over rounds (p10, p90 of rounds); per request: over all requests. The floor (workers/bench/ingest) skips the',
    'key, rate limit, JSON parse, checks and hashing: what remains is wrangler dev\'s proxy, the body and local D1.',
    `edge / floor (median samples/s): ${ratio(ingest.edge.samplesPerSecond.median / ingest.floor.samplesPerSecond.median)}; ` +
      `stored ${integer(ingest.stored)} of ${integer(ingest.samples)} sent (${match}; counted by GET /v1/samples/stats)`,
  ].join('\n');
}

function targetSection(targets: readonly TargetCheck[]): string {
  const rows = targets.map((target) => [
    target.name,
    formatValue(target.value, target.unit),
    `${target.comparison} ${formatValue(target.target, target.unit)}`,
    target.met ? 'met' : 'MISSED',
  ]);
  return ['TARGETS (issues #3, #4, #9 and #10)', formatTable(['target', 'value', 'goal', ''], rows, ['left', 'right', 'left', 'left'])].join('\n');
}

export function formatReport(results: BenchResults): string {
  const { machine, checkpoint } = results;
  const header = [
    `edgetune bench, ${results.startedAt}: ${checkpoint ? `${checkpoint.name} ${checkpoint.version} (${(checkpoint.flopsPerImage / 1e6).toFixed(2)} MFLOP/image, ${checkpoint.directory})` : 'no checkpoint'}`,
    `Node ${machine.node}, ${machine.cpu.model}, ${cpus().length} cores; CPU used by other processes: ${competitionSummary(machine.competition)}`,
  ].join('\n');
  const sections = [
    header,
    results.node ? nodeSection(results.node, machine.cpu.derivation) : undefined,
    results.browser ? browserSection(results.browser) : undefined,
    results.personalize ? personalizeSection(results.personalize) : undefined,
    results.edge ? edgeSection(results.edge) : undefined,
    results.ingest ? formatIngest(results.ingest) : undefined,
    results.size ? sizeSection(results.size) : undefined,
    results.targets.length > 0 ? targetSection(results.targets) : undefined,
    results.warnings.length > 0 ? `WARNINGS\n${results.warnings.map((warning) => `- ${warning}`).join('\n')}` : undefined,
  ];
  return sections.filter((section) => section !== undefined).join('\n\n');
}
