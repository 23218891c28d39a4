import { isVersion } from './model-keys.ts';

/**
 * `models/<name>/withdrawn.json`: the versions of a model taken back, each with when and why.
 * Pure: the publish script writes it, the Worker reads it.
 *
 *   { "versions": { "1.1.0": { "withdrawnAt": "<ISO time>", "reason": "<text>" } } }
 *
 * A withdrawn version stays stored (its files keep serving, so loads in flight finish), but the
 * edge no longer offers it: "latest" skips it and its manifest answers 410 naming the replacement.
 */

export interface Withdrawal {
  readonly withdrawnAt: string;
  readonly reason: string;
}

export type Withdrawals = ReadonlyMap<string, Withdrawal>;

/** Bounds on what a record may hold, so a crafted one costs little to read. */
export const MAX_WITHDRAWALS = 1000;
export const MAX_REASON_LENGTH = 500;
const MAX_RECORD_BYTES = 256 * 1024;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export class WithdrawalRecordError extends Error {
  override name = 'WithdrawalRecordError';
}

/**
 * The withdrawals a record lists. Strict: anything but the layout above (unknown fields aside)
 * throws WithdrawalRecordError, since a record read wrongly could bring back a withdrawn version.
 */
export function parseWithdrawals(text: string): Withdrawals {
  if (text.length > MAX_RECORD_BYTES) throw new WithdrawalRecordError(`it is larger than ${MAX_RECORD_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WithdrawalRecordError('it is not JSON');
  }
  const versions = (value as { versions?: unknown } | null)?.versions;
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) throw new WithdrawalRecordError('"versions" is not an object');
  const entries = Object.entries(versions as Record<string, unknown>);
  if (entries.length > MAX_WITHDRAWALS) throw new WithdrawalRecordError(`it lists more than ${MAX_WITHDRAWALS} versions`);
  const withdrawals = new Map<string, Withdrawal>();
  for (const [version, entry] of entries) {
    if (!isVersion(version)) throw new WithdrawalRecordError(`${JSON.stringify(String(version).slice(0, 60))} is not a version`);
    const { withdrawnAt, reason } = (entry ?? {}) as { withdrawnAt?: unknown; reason?: unknown };
    if (typeof withdrawnAt !== 'string' || !ISO_TIMESTAMP.test(withdrawnAt) || Number.isNaN(Date.parse(withdrawnAt))) {
      throw new WithdrawalRecordError(`versions["${version}"].withdrawnAt is not an ISO 8601 UTC timestamp`);
    }
    if (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH) {
      throw new WithdrawalRecordError(`versions["${version}"].reason is not a string of at most ${MAX_REASON_LENGTH} characters`);
    }
    withdrawals.set(version, { withdrawnAt, reason });
  }
  return withdrawals;
}

export function serializeWithdrawals(withdrawals: Withdrawals): string {
  return `${JSON.stringify({ versions: Object.fromEntries(withdrawals) }, null, 2)}\n`;
}
