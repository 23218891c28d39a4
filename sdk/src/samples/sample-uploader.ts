import { EdgetuneError, ErrorCodes, isErrorCode } from '../errors.ts';
import { toModelInput, type ClassifierInput } from '../input/to-model-input.ts';
import { MemorySampleQueue, type SampleQueueStore } from './sample-queue.ts';
import { MAX_SAMPLES_PER_REQUEST, type SampleRejection, type SampleWire, type SamplesResponse } from './sample-wire.ts';

export interface SampleUploaderOptions {
  /** The edge's origin, e.g. https://edge.example.com (POST {endpoint}/v1/samples). */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly model: string;
  readonly version?: string;
  /** Persistence; memory by default. Node: FileSampleQueue; browser: IndexedDbSampleQueue. */
  readonly queue?: SampleQueueStore;
  /** add() fails with E_QUEUE_FULL beyond this many queued samples (default 10,000). */
  readonly maxQueued?: number;
  /** Samples per request (1-256, default 256). */
  readonly batchSize?: number;
  /** Attempts per request before flush() gives up, leaving the queue as it is (default 6). */
  readonly maxAttempts?: number;
  /** First backoff delay in ms (default 500); doubled each attempt, with full jitter. */
  readonly backoffMs?: number;
  /** Samples the edge refused as invalid or conflicting: they leave the queue and come here. */
  readonly onRejected?: (rejections: ReadonlyArray<SampleRejection & { sample: SampleWire }>) => void;
  readonly fetch?: typeof fetch;
  /** In a browser, flush when the page comes back online (default true); failures go to `error` events. */
  readonly flushWhenOnline?: boolean;
}

export interface FlushReport {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
}

/** Statuses worth retrying: the edge or the network may recover. */
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Queues labelled samples and sends them to the edge. A sample leaves the queue only once the edge
 * answered for it (accepted, duplicate or rejected), so retries after a crash or a lost answer
 * are safe: ids are fixed when a sample is added, and the edge stores an id once.
 * Events: `queued`, `sent` (detail: FlushReport of one batch), `rejected`, `error` (an automatic flush failed).
 */
export class SampleUploader extends EventTarget {
  private readonly store: SampleQueueStore;
  private queue: SampleWire[] | undefined;
  /** Serialises changes of the queue and their saves. */
  private tail: Promise<unknown> = Promise.resolve();
  private flushing: Promise<FlushReport> | undefined;
  private dirty = false;
  private saving: Promise<void> | undefined;

  constructor(private readonly options: SampleUploaderOptions) {
    super();
    const batchSize = options.batchSize ?? MAX_SAMPLES_PER_REQUEST;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_SAMPLES_PER_REQUEST) {
      throw new EdgetuneError(ErrorCodes.INPUT_RANGE, `batchSize must be an integer from 1 to ${MAX_SAMPLES_PER_REQUEST}, got ${batchSize}`);
    }
    this.store = options.queue ?? new MemorySampleQueue();
    const page = globalThis as { addEventListener?: (type: string, listener: () => void) => void; window?: unknown };
    if (options.flushWhenOnline !== false && page.window !== undefined && typeof page.addEventListener === 'function') {
      page.addEventListener('online', this.onOnline);
    }
  }

  private readonly onOnline = (): void => {
    this.flush().catch((error: unknown) => this.dispatchEvent(new CustomEvent('error', { detail: error })));
  };

  /** Stops flushing on `online` events; the queue stays persisted. */
  close(): void {
    (globalThis as { removeEventListener?: (type: string, listener: () => void) => void }).removeEventListener?.('online', this.onOnline);
  }

  private exclusive<T>(task: (queue: SampleWire[]) => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      this.queue ??= await this.store.load();
      return task(this.queue);
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Saves the queue; resolves once a save that began after this call has finished (saves coalesce). */
  private persist(): Promise<void> {
    this.dirty = true;
    this.saving ??= (async () => {
      while (this.dirty) {
        this.dirty = false;
        await this.store.save([...this.queue!]);
      }
    })().finally(() => (this.saving = undefined));
    return this.saving;
  }

  /** Queues one labelled sample, prepared as classify prepares its input; resolves with its id once saved. */
  add(input: ClassifierInput, label: string, options: { user?: string } = {}): Promise<string> {
    const floats = toModelInput(input, 'input');
    if (typeof label !== 'string' || label.length === 0) throw new EdgetuneError(ErrorCodes.INPUT_TYPE, 'label must be one of the model\'s labels, as a string');
    const bytes = new Uint8Array(floats.length);
    for (let i = 0; i < floats.length; i++) bytes[i] = Math.round(floats[i]! * 255);
    const sample: SampleWire = {
      id: crypto.randomUUID(),
      model: this.options.model,
      ...(this.options.version !== undefined ? { version: this.options.version } : {}),
      label,
      pixels: toBase64(bytes),
      ...(options.user !== undefined ? { user: options.user } : {}),
    };
    return this.exclusive(async (queue) => {
      const limit = this.options.maxQueued ?? 10_000;
      if (queue.length >= limit) {
        throw new EdgetuneError(ErrorCodes.QUEUE_FULL, `The sample queue holds ${limit} samples; await flush() before adding more (or raise maxQueued).`);
      }
      queue.push(sample);
      return queue.length;
    }).then(async (pending) => {
      await this.persist();
      this.dispatchEvent(new CustomEvent('queued', { detail: { id: sample.id, pending } }));
      return sample.id;
    });
  }

  /** How many samples wait to be sent. */
  pending(): Promise<number> {
    return this.exclusive(async (queue) => queue.length);
  }

  /** Sends every queued sample; concurrent calls share one flush. */
  flush(): Promise<FlushReport> {
    this.flushing ??= this.sendAll().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async sendAll(): Promise<FlushReport> {
    const total = { accepted: 0, duplicates: 0, rejected: 0 };
    for (;;) {
      const batch = await this.exclusive(async (queue) => queue.slice(0, this.options.batchSize ?? MAX_SAMPLES_PER_REQUEST));
      if (batch.length === 0) return total;
      const answer = await this.send(batch);
      const sent = new Set(batch.map((sample) => sample.id));
      await this.exclusive(async (queue) => {
        this.queue = queue.filter((sample) => !sent.has(sample.id));
      });
      await this.persist();
      total.accepted += answer.accepted;
      total.duplicates += answer.duplicates;
      total.rejected += answer.rejected.length;
      this.dispatchEvent(new CustomEvent('sent', { detail: { accepted: answer.accepted, duplicates: answer.duplicates, rejected: answer.rejected.length } }));
      if (answer.rejected.length > 0) {
        const rejections = answer.rejected.map((rejection) => ({ ...rejection, sample: batch[rejection.index]! }));
        this.dispatchEvent(new CustomEvent('rejected', { detail: rejections }));
        this.options.onRejected?.(rejections);
      }
    }
  }

  /** One batch, retried with exponential backoff and full jitter, honouring Retry-After. */
  private async send(batch: readonly SampleWire[]): Promise<SamplesResponse> {
    const fetcher = this.options.fetch ?? fetch;
    const attempts = this.options.maxAttempts ?? 6;
    const base = this.options.backoffMs ?? 500;
    let last = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      let retryAfterMs: number | undefined;
      try {
        const response = await fetcher(`${this.options.endpoint.replace(/\/+$/, '')}/v1/samples`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.options.apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ samples: batch }),
        });
        if (response.ok) return (await response.json()) as SamplesResponse;
        const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
        last = `HTTP ${response.status}: ${body?.error?.message ?? response.statusText}`;
        if (!RETRYABLE.has(response.status)) {
          throw new EdgetuneError(isErrorCode(body?.error?.code) ? body.error.code : ErrorCodes.FETCH_FAILED, `The edge refused the samples (${last}); the queue is kept.`);
        }
        const header = Number(response.headers.get('Retry-After'));
        if (Number.isFinite(header) && header >= 0) retryAfterMs = Math.min(header, 600) * 1000;
      } catch (error) {
        if (error instanceof EdgetuneError) throw error;
        last = (error as Error).message; // network down, connection reset: retry
      }
      if (attempt + 1 < attempts) await sleep(retryAfterMs ?? Math.random() * base * 2 ** attempt);
    }
    throw new EdgetuneError(ErrorCodes.FETCH_FAILED, `Could not send samples after ${attempts} attempts (${last}); they stay queued, flush() again later.`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
