import { toErrorBody, type ErrorBody } from '../../../sdk/src/error-wire.ts';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import type { WithdrawnVersionBody } from '../../../sdk/src/loading/withdrawn-version.ts';
import { MANIFEST_FILE } from '../store/model-keys.ts';
import type { ModelStore } from '../store/model-store.ts';
import type { Withdrawal } from '../store/withdrawals.ts';

/**
 * The 410 answer for a withdrawn version's manifest: the usual error body plus what was withdrawn
 * and the version that replaces it (the one "latest" now serves), so a device moves in one step.
 */
export async function withdrawnBody(store: ModelStore, name: string, version: string, withdrawal: Withdrawal): Promise<ErrorBody & WithdrawnVersionBody> {
  const replacement = await store.latestVersion(name).catch(() => undefined);
  const why = withdrawal.reason ? ` (${withdrawal.reason})` : '';
  const message =
    `${name}@${version} was withdrawn on ${withdrawal.withdrawnAt}${why}; ` +
    (replacement ? `load ${name}@${replacement} instead (GET /v1/models/${name}/manifest.json serves it).` : 'no other version is published yet.');
  return {
    ...toErrorBody(ErrorCodes.VERSION_WITHDRAWN, message),
    withdrawn: { version, withdrawnAt: withdrawal.withdrawnAt, reason: withdrawal.reason },
    ...(replacement ? { replacement: { version: replacement, manifestUrl: `/v1/models/${name}/${replacement}/${MANIFEST_FILE}` } } : {}),
  };
}
