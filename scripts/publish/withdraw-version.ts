import { sha256Hex } from '../../sdk/src/loading/bytes.ts';
import { fileKey, isModelName, isVersion, MANIFEST_FILE, withdrawnKey } from '../../workers/src/store/model-keys.ts';
import { MAX_REASON_LENGTH, parseWithdrawals, serializeWithdrawals, WithdrawalRecordError } from '../../workers/src/store/withdrawals.ts';
import type { ObjectStore } from './object-store.ts';
import { PublishError, putVerified } from './publish-model.ts';

/*
 * Withdrawing a published version (or restoring one): one write of models/<name>/withdrawn.json.
 * The edge reads it on its next look at the model (within LATEST_TTL_SECONDS): "latest" skips the
 * withdrawn versions and their manifests answer 410 naming the replacement. Files stay stored,
 * so downloads in flight finish and a restore needs no re-upload.
 */

export interface WithdrawOptions {
  readonly reason?: string;
  /** Take the version off the withdrawn list instead. */
  readonly restore?: boolean;
  readonly now?: () => Date;
}

export interface WithdrawReport {
  readonly name: string;
  readonly version: string;
  /** False when the version already was in the asked-for state. */
  readonly changed: boolean;
  /** Every withdrawn version of the model afterwards. */
  readonly withdrawn: readonly string[];
}

export async function withdrawVersion(store: ObjectStore, name: string, version: string, options: WithdrawOptions = {}): Promise<WithdrawReport> {
  if (!isModelName(name)) throw new PublishError('E_INPUT_RANGE', `"${name.slice(0, 80)}" is not a model name (lowercase letters, digits, . _ -)`);
  if (!isVersion(version)) throw new PublishError('E_INPUT_RANGE', `"${String(version).slice(0, 80)}" is not a version like 1.2.0`);
  const reason = options.reason ?? '';
  if (reason.length > MAX_REASON_LENGTH) throw new PublishError('E_INPUT_RANGE', `the reason is longer than ${MAX_REASON_LENGTH} characters`);
  if (!(await store.get(fileKey(name, version, MANIFEST_FILE)))) {
    throw new PublishError('E_NOT_FOUND', `${name}@${version} is not published, so it cannot be ${options.restore ? 'restored' : 'withdrawn'}`);
  }
  const key = withdrawnKey(name);
  const stored = await store.get(key);
  let withdrawals;
  try {
    withdrawals = new Map(stored ? parseWithdrawals(new TextDecoder().decode(stored)) : []);
  } catch (cause) {
    if (!(cause instanceof WithdrawalRecordError)) throw cause;
    throw new PublishError('E_MANIFEST_INVALID', `${key} is invalid (${cause.message}); fix or delete it, then withdraw again`);
  }
  const changed = options.restore ? withdrawals.delete(version) : !withdrawals.has(version);
  if (!options.restore && changed) withdrawals.set(version, { withdrawnAt: (options.now?.() ?? new Date()).toISOString(), reason });
  if (changed) {
    const bytes = new TextEncoder().encode(serializeWithdrawals(withdrawals));
    await putVerified(store, key, bytes, await sha256Hex(bytes), 'application/json');
  }
  return { name, version, changed, withdrawn: [...withdrawals.keys()] };
}
