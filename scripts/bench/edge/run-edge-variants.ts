import { parseArgs } from 'node:util';
import { runCli } from '../../cli.ts';
import { readBenchCheckpoint } from '../bench-checkpoint.ts';
import { loadBenchImages } from '../bench-images.ts';
import { runEdgeVariants } from './edge-variants.ts';

/*
 * The edge and the bare Worker with and without [assets], side by side, optionally beside the edge
 * of another checkout: `tsx scripts/bench/edge/run-edge-variants.ts [--rounds R] [--baseline DIR]`.
 */
await runCli(async () => {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4' }, baseline: { type: 'string' } } });
  const rows = await runEdgeVariants(await readBenchCheckpoint('models'), await loadBenchImages(1), { rounds: Number(values.rounds), ...(values.baseline ? { baseline: values.baseline } : {}), log: (line) => console.error(line) });
  const bare = rows.find((row) => row.contender === 'bare, JSON')!.requestsPerSecond.median;
  for (const row of rows) {
    const rate = row.requestsPerSecond;
    console.log(
      `${row.contender.padEnd(30)} ${rate.median.toFixed(0).padStart(5)} req/s (${rate.p10.toFixed(0)}-${rate.p90.toFixed(0)}), ` +
        `p50 ${row.p50Ms.median.toFixed(1)} ms, p99 ${row.p99Ms.median.toFixed(1)} ms, ${row.errors} errors, ${(rate.median / bare).toFixed(2)}x bare, ` +
        `CPU per request ${row.workerCpuMs?.median.toFixed(3)} ms Worker's workerd, ${row.totalCpuMs?.median.toFixed(3)} ms all of wrangler dev`,
    );
  }
});
