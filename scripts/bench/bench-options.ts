import { parseArgs } from 'node:util';

export const SECTIONS = ['node', 'browser', 'personalize', 'edge', 'size'] as const;
export type Section = (typeof SECTIONS)[number];

/** What the edge section runs: single-image classify, sample ingestion, or both. */
export const EDGE_PARTS = ['classify', 'ingest'] as const;
export type EdgePart = (typeof EDGE_PARTS)[number];

export interface BenchOptions {
  readonly sections: readonly Section[];
  /** Measured rounds per interleaved comparison; the other counts scale from it. */
  readonly rounds: number;
  /** Fresh-context cold starts of the SDK and of the bare ORT worker each; default rounds / 4. */
  readonly startRuns: number | undefined;
  readonly edgeParts: readonly EdgePart[];
  /** Where the JSON results go (.cache/ is git-ignored, so results are not committed by accident). */
  readonly out: string;
  readonly modelsDir: string;
  /** Overrides the clock read from /proc/cpuinfo for the peak-FLOP/s estimate. */
  readonly clockGHz: number | undefined;
}

export const USAGE =
  'usage: npm run bench -- [--only node|browser|personalize|edge|size[,...]] [--rounds N] [--start-runs N] [--edge-part classify|ingest] [--out FILE] [--models-dir DIR] [--clock-ghz GHZ]';

const DEFAULT_ROUNDS = 40;

function isSection(value: string): value is Section {
  return (SECTIONS as readonly string[]).includes(value);
}

function positiveNumber(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"\n${USAGE}`);
  }
  return value;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: 'string' },
      rounds: { type: 'string' },
      'start-runs': { type: 'string' },
      'edge-part': { type: 'string' },
      out: { type: 'string', default: '.cache/bench-results.json' },
      'models-dir': { type: 'string', default: process.env.EDGETUNE_MODELS_DIR ?? 'models' },
      'clock-ghz': { type: 'string' },
    },
  });
  const requested = values.only?.split(',').map((part) => part.trim()) ?? [...SECTIONS];
  const unknown = requested.filter((part) => !isSection(part));
  if (unknown.length > 0) {
    throw new RangeError(`unknown --only section "${unknown.join(', ')}"; expected one of: ${SECTIONS.join(', ')}\n${USAGE}`);
  }
  const edgePart = values['edge-part'];
  if (edgePart !== undefined && !(EDGE_PARTS as readonly string[]).includes(edgePart)) {
    throw new RangeError(`unknown --edge-part "${edgePart}"; expected one of: ${EDGE_PARTS.join(', ')}\n${USAGE}`);
  }
  return {
    edgeParts: edgePart === undefined ? [...EDGE_PARTS] : [edgePart as EdgePart],
    sections: SECTIONS.filter((section) => requested.includes(section)),
    rounds: positiveNumber(values.rounds, '--rounds', true) ?? DEFAULT_ROUNDS,
    startRuns: positiveNumber(values['start-runs'], '--start-runs', true),
    out: values.out,
    modelsDir: values['models-dir'],
    clockGHz: positiveNumber(values['clock-ghz'], '--clock-ghz', false),
  };
}
