import type { Env } from '../env.ts';
import { ModelStore } from './model-store.ts';

const DEFAULT_LATEST_TTL_SECONDS = 5;

/** The model store over this request's bindings. */
export function storeOf(env: Env): ModelStore {
  const ttl = Number(env.LATEST_TTL_SECONDS ?? DEFAULT_LATEST_TTL_SECONDS);
  return new ModelStore(env.MODELS, Number.isFinite(ttl) && ttl >= 0 ? ttl * 1000 : DEFAULT_LATEST_TTL_SECONDS * 1000);
}
