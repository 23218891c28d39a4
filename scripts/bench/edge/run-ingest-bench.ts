import { parseArgs } from 'node:util';
import { runCli } from '../../cli.ts';
import { loadBenchImages } from '../bench-images.ts';
import { formatIngest } from '../report/format-report.ts';
import { INGEST_CONNECTIONS, INGEST_ROUNDS, INGEST_SAMPLES, runIngestBench } from './ingest-bench.ts';

/* Sample ingestion alone against local `wrangler dev`: `tsx scripts/bench/edge/run-ingest-bench.ts [--samples N] [--connections C] [--rounds R]`. */
await runCli(async () => {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: String(INGEST_SAMPLES) }, connections: { type: 'string', default: String(INGEST_CONNECTIONS) }, rounds: { type: 'string', default: String(INGEST_ROUNDS) } } });
  const digits = await loadBenchImages(256);
  const results = await runIngestBench({ samples: Number(values.samples), connections: Number(values.connections), rounds: Number(values.rounds), digits, log: (line) => console.error(line) });
  console.log(JSON.stringify(results, null, 2));
  console.log(formatIngest(results));
});
