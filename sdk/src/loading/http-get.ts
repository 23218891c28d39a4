import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { abortedError, NetworkUnreachableError } from './load-errors.ts';

/**
 * GET a URL and return the response once its status is 2xx. Rejections are E_ABORTED (the
 * signal fired), NetworkUnreachableError (no server answered) or E_FETCH_FAILED naming the status.
 */
export async function httpGet(fetchImpl: typeof fetch, url: string, what: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: signal ?? null });
  } catch (cause) {
    if (signal?.aborted) throw abortedError(`Downloading ${what}`, signal);
    throw new NetworkUnreachableError(url, cause);
  }
  if (!response.ok) {
    // Free the connection: nobody will read this body.
    await response.body?.cancel().catch(() => undefined);
    throw new EdgetuneError(
      ErrorCodes.FETCH_FAILED,
      `Fetching ${what} failed: GET ${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. ` +
        (response.status === 404
          ? 'Check that the URL points at a published model and that every file its manifest lists was uploaded.'
          : 'Retry later; if it persists, the model host is misconfigured.'),
    );
  }
  return response;
}
