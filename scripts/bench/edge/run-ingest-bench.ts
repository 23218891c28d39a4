import { parseArgs } from 'node:util';
import { runCli } from '../../cli.ts';
import { runIngestBench } from './ingest-bench.ts';

/* Sample ingestion against local `wrangler dev`: `tsx scripts/bench/edge/run-ingest-bench.ts [--samples N] [--connections C]`. */
await runCli(async () => {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: '25600' }, connections: { type: 'string', default: '4' } } });
  const results = await runIngestBench({ samples: Number(values.samples), connections: Number(values.connections), log: (line) => console.error(line) });
  console.log(JSON.stringify(results, null, 2));
  console.log(
    `ingestion: ${results.samplesPerSecond} samples/s (target >= 5,000), p99 ${results.requestMs.p99} ms per request of ${results.batchSize}; ` +
      `stored ${results.stored} of ${results.samples} sent${results.stored === results.samples ? '' : ' (MISMATCH)'}, ${results.errors} errors`,
  );
});
