import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readBenchCheckpoint, type BenchCheckpoint } from './bench/bench-checkpoint.ts';
import { loadBenchImages } from './bench/bench-images.ts';
import { parseBenchOptions } from './bench/bench-options.ts';
import type { BenchResults } from './bench/bench-results.ts';
import { runBrowserBench, type BrowserBenchResults } from './bench/browser/browser-bench.ts';
import { competitionWarning, CpuCompetitionMonitor, type CpuCompetition } from './bench/cpu-competition.ts';
import { estimateCpuPeak } from './bench/cpu-peak.ts';
import { EDGE_ROUNDS_DIVISOR, runEdgeBench, type EdgeBenchResults } from './bench/edge/edge-bench.ts';
import { INGEST_CONNECTIONS, INGEST_ROUNDS, INGEST_SAMPLES, runIngestBench, type IngestBenchResults } from './bench/edge/ingest-bench.ts';
import { staleBuildWarning } from './bench/dist-freshness.ts';
import { runNodeBench, type NodeBenchResults } from './bench/node/node-bench.ts';
import { formatReport } from './bench/report/format-report.ts';
import { measureSdkSize, type BundleSize } from './bench/size/sdk-size.ts';
import { runPersonalizeNodeBench, SAMPLES, type PersonalizeNodeResults } from './bench/personalize/personalize-node-bench.ts';
import { browserTargets, edgeTargets, ingestTargets, nodeTargets, personalizeTargets } from './bench/targets.ts';
import { runCli } from './cli.ts';

/*
 * `npm run bench`: the SDK against ONNX Runtime called directly and against TensorFlow.js, in
 * Node and in headless Chromium, plus the SDK's bundle size. Contenders run interleaved in one
 * process so machine noise hits them alike; the output is medians, spreads and ratios, never a
 * pass/fail exit code (targets are reported, not asserted).
 */

const BATCH_SIZE = 256;

await runCli(async () => {
  const options = parseBenchOptions(process.argv.slice(2));
  const log = (line: string) => console.error(line);
  const started = new Date();
  const warnings: string[] = [];
  const note = (warning: string | undefined) => {
    if (warning === undefined) return;
    warnings.push(warning);
    log(`warning: ${warning}`);
  };

  const timed = options.sections.includes('node') || options.sections.includes('browser') || options.sections.includes('personalize') || options.sections.includes('edge');
  note(staleBuildWarning());
  const cpu = estimateCpuPeak(options.clockGHz);

  const checkpoint: BenchCheckpoint | undefined = timed ? await readBenchCheckpoint(options.modelsDir) : undefined;
  const images = checkpoint ? await loadBenchImages(BATCH_SIZE) : undefined;

  let node: NodeBenchResults | undefined;
  let browser: BrowserBenchResults | undefined;
  let size: BundleSize[] | undefined;
  const competition: Record<string, CpuCompetition | undefined> = {};
  if (checkpoint && images && options.sections.includes('node')) {
    const monitor = CpuCompetitionMonitor.start();
    node = await runNodeBench(checkpoint, images, { rounds: options.rounds, cpuPeak: cpu, log });
    competition['node'] = monitor?.stop();
    note(competitionWarning('node', competition['node']));
  }
  if (checkpoint && images && options.sections.includes('browser')) {
    const monitor = CpuCompetitionMonitor.start();
    browser = await runBrowserBench(checkpoint, images.bytes.subarray(0, 784), {
      rounds: options.rounds,
      startRuns: options.startRuns,
      log,
      samples: { images: images.bytes.subarray(0, SAMPLES * 784), labels: images.labels.subarray(0, SAMPLES) },
    });
    competition['browser'] = monitor?.stop();
    note(competitionWarning('browser', competition['browser']));
  }
  let personalize: PersonalizeNodeResults | undefined;
  if (checkpoint && images && options.sections.includes('personalize')) {
    personalize = await runPersonalizeNodeBench(checkpoint, images, { rounds: options.rounds, log });
  }
  let edge: EdgeBenchResults | undefined;
  let ingest: IngestBenchResults | undefined;
  if (checkpoint && images && options.sections.includes('edge') && options.edgeParts.includes('classify')) {
    const monitor = CpuCompetitionMonitor.start();
    edge = await runEdgeBench(checkpoint, images, { rounds: Math.max(1, Math.ceil(options.rounds / EDGE_ROUNDS_DIVISOR)), log });
    competition['edge'] = monitor?.stop();
    note(competitionWarning('edge', competition['edge']));
  }
  if (checkpoint && images && options.sections.includes('edge') && options.edgeParts.includes('ingest')) {
    const ingestMonitor = CpuCompetitionMonitor.start();
    ingest = await runIngestBench({ samples: INGEST_SAMPLES, connections: INGEST_CONNECTIONS, rounds: INGEST_ROUNDS, digits: images, log });
    competition['ingest'] = ingestMonitor?.stop();
    note(competitionWarning('ingest', competition['ingest']));
  }
  if (options.sections.includes('size')) {
    log('size: bundling dist/browser with esbuild');
    size = await measureSdkSize();
  }

  const results: BenchResults = {
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
    options: { sections: options.sections, rounds: options.rounds, modelsDir: options.modelsDir },
    machine: { node: process.version, cpu, competition },
    ...(checkpoint
      ? { checkpoint: { name: checkpoint.name, version: checkpoint.version, directory: checkpoint.directory, flopsPerImage: checkpoint.flops } }
      : {}),
    ...(node ? { node } : {}),
    ...(browser ? { browser } : {}),
    ...(personalize ? { personalize } : {}),
    ...(edge ? { edge } : {}),
    ...(ingest ? { ingest } : {}),
    ...(size ? { size } : {}),
    targets: [...(node ? nodeTargets(node) : []), ...(browser ? browserTargets(browser) : []), ...(personalize ? personalizeTargets(personalize) : []), ...(edge ? edgeTargets(edge) : []), ...(ingest ? ingestTargets(ingest) : [])],
    warnings,
  };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(formatReport(results));
  log(`\nresults written to ${options.out} (${results.durationSeconds} s)`);
});

// A disposed SDK classifier can leave a pending timer behind; nothing is left to do, so exit now.
process.exit();
