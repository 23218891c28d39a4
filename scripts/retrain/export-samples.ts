import { readAtMost } from '../../workers/src/http/read-at-most.ts';
import { PIXELS, type MnistSplit } from '../data/mnist.ts';
import { readExportedLine, type SkipReason } from './exported-sample.ts';

export interface ExportRequest {
  /** The edge's origin, e.g. http://127.0.0.1:8787. */
  readonly from: string;
  readonly adminKey: string;
  readonly model: string;
  readonly labels: readonly string[];
  /** Start after this seq (0: from the beginning). */
  readonly after?: number;
  /** Refuse an export larger than this many lines (memory stays bounded). */
  readonly maxSamples?: number;
  readonly pageSize?: number;
  readonly onPage?: (lines: number, total: number) => void;
}

export interface ExportedSamples {
  readonly samples: MnistSplit;
  /** The cursor the pull started after, and the last seq it read (the next pull's `after`). */
  readonly cursor: { readonly after: number; readonly through: number };
  readonly skipped: Partial<Record<SkipReason, number>>;
  readonly skippedTotal: number;
  readonly pages: number;
}

export class SampleExportError extends Error {
  override name = 'SampleExportError';
  constructor(
    readonly code: 'E_EXPORT_FAILED' | 'E_EXPORT_INVALID' | 'E_UNAUTHORIZED' | 'E_EXPORT_TOO_LARGE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_MAX_SAMPLES = 200_000;
const MAX_PAGE_BYTES = 4 << 20;

/**
 * Pulls every sample of one model from GET /v1/samples/export, page by page along the seq cursor,
 * keeping only lines that pass readExportedLine. The cursor must move forward on every page, so a
 * server repeating itself cannot loop the pull forever.
 */
export async function exportSamples(request: ExportRequest): Promise<ExportedSamples> {
  const maxSamples = request.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const pageSize = request.pageSize ?? 1000;
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  const skipped: Partial<Record<SkipReason, number>> = {};
  let skippedTotal = 0;
  let lines = 0;
  let pages = 0;
  const start = request.after ?? 0;
  let after = start;
  for (;;) {
    const page = await fetchPage(request, after, pageSize);
    pages++;
    let last = after;
    let count = 0;
    for (const line of page.split('\n')) {
      if (line.length === 0) continue;
      if (++lines > maxSamples) {
        throw new SampleExportError('E_EXPORT_TOO_LARGE', `the export holds more than ${maxSamples} samples; raise --max-samples or pass --after to start later`);
      }
      count++;
      const sample = readExportedLine(line, request.model, request.labels);
      if (typeof sample === 'string') {
        skipped[sample] = (skipped[sample] ?? 0) + 1;
        skippedTotal++;
        // A line with a readable seq still moves the cursor, so a bad line is not pulled again.
        const seq = /"seq":(\d{1,16})[,}]/.exec(line)?.[1];
        if (seq !== undefined && Number(seq) > last) last = Number(seq);
        continue;
      }
      if (sample.seq <= after) {
        throw new SampleExportError('E_EXPORT_INVALID', `the export went backwards (seq ${sample.seq} after ${after}); is --from an edgetune Worker?`);
      }
      last = Math.max(last, sample.seq);
      images.push(sample.pixels);
      labels.push(sample.label);
    }
    request.onPage?.(count, lines);
    if (count === 0) break;
    if (last <= after) throw new SampleExportError('E_EXPORT_INVALID', `the export cursor did not move past ${after}; is --from an edgetune Worker?`);
    after = last;
  }
  const all = new Uint8Array(images.length * PIXELS);
  images.forEach((pixels, i) => all.set(pixels, i * PIXELS));
  return {
    samples: { images: all, labels: Uint8Array.from(labels), count: images.length },
    cursor: { after: start, through: after },
    skipped,
    skippedTotal,
    pages,
  };
}

async function fetchPage(request: ExportRequest, after: number, limit: number): Promise<string> {
  const url = new URL('/v1/samples/export', request.from);
  url.search = new URLSearchParams({ model: request.model, after: String(after), limit: String(limit) }).toString();
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${request.adminKey}` }, signal: AbortSignal.timeout(60_000) });
  } catch (cause) {
    throw new SampleExportError(
      'E_EXPORT_FAILED',
      `cannot reach ${url.origin} (${(cause as Error).message}); start the edge with \`npm start\` or pass --from URL`,
      { cause },
    );
  }
  if (response.status === 401) {
    await response.body?.cancel();
    throw new SampleExportError('E_UNAUTHORIZED', `${url.origin} refused the admin key; pass --key ADMIN_KEY (locally: ADMIN_KEY in .dev.vars)`);
  }
  if (!response.ok) {
    const text = new TextDecoder().decode((await readAtMost(response.body, 300)) ?? new Uint8Array(0));
    throw new SampleExportError('E_EXPORT_FAILED', `GET ${url.pathname} answered ${response.status}: ${text}`);
  }
  const declared = Number(response.headers.get('Content-Length') ?? 0);
  if (declared > MAX_PAGE_BYTES) {
    await response.body?.cancel();
    throw new SampleExportError('E_EXPORT_INVALID', `an export page of ${declared} bytes is far beyond ${limit} samples; is --from an edgetune Worker?`);
  }
  const body = await readAtMost(response.body, MAX_PAGE_BYTES);
  if (body === undefined) throw new SampleExportError('E_EXPORT_INVALID', `an export page exceeded ${MAX_PAGE_BYTES} bytes; is --from an edgetune Worker?`);
  return new TextDecoder().decode(body);
}
