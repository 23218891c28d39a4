import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { abortedError, NetworkUnreachableError } from './load-errors.ts';
import { StallWatchdog } from './stall-watchdog.ts';
import { DEFAULTS } from '../defaults.ts';

/** How long a download may go without progress by default: no response, or no next chunk. */
export const DEFAULT_STALL_TIMEOUT_MS = DEFAULTS.networkTimeoutMs;

export interface HttpGetOptions {
  readonly signal?: AbortSignal | undefined;
  /** Default DEFAULT_STALL_TIMEOUT_MS. */
  readonly stallTimeoutMs?: number | undefined;
  /** Non-2xx statuses the caller reads itself (e.g. 410 for a withdrawn manifest) instead of an HttpStatusError. */
  readonly acceptStatus?: (status: number) => boolean;
  /** Ask caches (the browser's HTTP cache) to revalidate: a manifest's status can change after it was cached. */
  readonly revalidate?: boolean;
}

/** A non-2xx answer. 5xx and 429 say the server cannot serve now, not that the model is gone. */
export class HttpStatusError extends EdgetuneError {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(ErrorCodes.FETCH_FAILED, message);
  }

  get transient(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/**
 * GET a URL and return the response once its status is 2xx, with the watchdog its body reader
 * must keep informed (progress() per chunk, stop() when done). Rejections are E_ABORTED (the
 * signal fired), NetworkUnreachableError (no server answered, or none in time) or
 * HttpStatusError (E_FETCH_FAILED naming the status).
 */
export async function httpGet(
  fetchImpl: typeof fetch,
  url: string,
  what: string,
  options: HttpGetOptions = {},
): Promise<{ response: Response; watchdog: StallWatchdog }> {
  const { signal } = options;
  const watchdog = new StallWatchdog(options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS, signal);
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: watchdog.signal, ...(options.revalidate ? { cache: 'no-cache' as const } : {}) });
  } catch (cause) {
    watchdog.stop();
    if (signal?.aborted) throw abortedError(`Downloading ${what}`, signal);
    if (watchdog.stalled) throw new NetworkUnreachableError(url, new Error(`no response within ${watchdog.ms} ms`));
    throw new NetworkUnreachableError(url, cause);
  }
  watchdog.progress();
  if (!response.ok && !options.acceptStatus?.(response.status)) {
    watchdog.stop();
    // Free the connection: nobody will read this body.
    await response.body?.cancel().catch(() => undefined);
    throw new HttpStatusError(
      url,
      response.status,
      `Fetching ${what} failed: GET ${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. ` +
        (response.status === 404
          ? 'Check that the URL points at a published model and that every file its manifest lists was uploaded.'
          : 'Retry later; if it persists, the model host is misconfigured.'),
    );
  }
  return { response, watchdog };
}
