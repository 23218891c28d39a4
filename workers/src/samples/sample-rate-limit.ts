import { ErrorCodes } from '../../../sdk/src/errors.ts';
import type { Env } from '../env.ts';
import { ApiError } from '../http/api-error.ts';

/** The period of wrangler.toml's SAMPLES_RATE_LIMIT: a refused client can retry after it. */
export const RATE_LIMIT_PERIOD_SECONDS = 10;

/** A 429 with Retry-After once this app has used its requests for the period. */
export async function enforceRateLimit(env: Env, appId: string): Promise<void> {
  const { success } = await env.SAMPLES_RATE_LIMIT.limit({ key: appId });
  if (!success) throw new RateLimitedError();
}

export class RateLimitedError extends ApiError {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds = RATE_LIMIT_PERIOD_SECONDS;
  constructor() {
    super(429, ErrorCodes.RATE_LIMITED, `Too many requests for this app key; retry after ${RATE_LIMIT_PERIOD_SECONDS} s.`);
  }
}
