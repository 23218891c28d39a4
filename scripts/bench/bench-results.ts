import type { BrowserBenchResults } from './browser/browser-bench.ts';
import type { CpuPeak } from './cpu-peak.ts';
import type { CpuCompetition } from './cpu-competition.ts';
import type { EdgeBenchResults } from './edge/edge-bench.ts';
import type { IngestBenchResults } from './edge/ingest-bench.ts';
import type { NodeBenchResults } from './node/node-bench.ts';
import type { PersonalizeNodeResults } from './personalize/personalize-node-bench.ts';
import type { BundleSize } from './size/sdk-size.ts';
import type { TargetCheck } from './targets.ts';

/** Everything one `npm run bench` measured: the JSON file's shape. */
export interface BenchResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly options: { readonly sections: readonly string[]; readonly rounds: number; readonly modelsDir: string };
  readonly machine: {
    readonly node: string;
    readonly cpu: CpuPeak;
    /** Per timed section: CPU taken by other processes and the hypervisor meanwhile. */
    readonly competition: Record<string, CpuCompetition | undefined>;
  };
  readonly checkpoint?: { readonly name: string; readonly version: string; readonly directory: string; readonly flopsPerImage: number };
  readonly node?: NodeBenchResults;
  readonly browser?: BrowserBenchResults;
  /** Personalization in Node: the SDK against TensorFlow.js training the same head. */
  readonly personalize?: PersonalizeNodeResults;
  /** The edge Worker under wrangler dev against a bare Worker and a Node server, over HTTP. */
  readonly edge?: EdgeBenchResults;
  /** Labelled samples into the edge's D1 under wrangler dev, in batches of 256. */
  readonly ingest?: IngestBenchResults;
  readonly size?: readonly BundleSize[];
  readonly targets: readonly TargetCheck[];
  readonly warnings: readonly string[];
}
