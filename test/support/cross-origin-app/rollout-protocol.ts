/** Where the cross-origin page puts its rollout steps once its module has loaded. */
export const ROLLOUT_GLOBAL = 'edgetuneRollout';

/** One step of a rollout test, run in the page; every argument and result is plain JSON. */
export type RolloutStep =
  | { readonly op: 'load'; readonly url: string; readonly version?: string }
  | { readonly op: 'check'; readonly id: number }
  | { readonly op: 'personalize-and-save'; readonly id: number; readonly key: string; readonly images: readonly number[][]; readonly labels: readonly number[] }
  | { readonly op: 'load-head'; readonly id: number; readonly key: string; readonly repersonalize?: boolean }
  | { readonly op: 'repersonalize'; readonly id: number; readonly key: string }
  | { readonly op: 'list-heads'; readonly id: number }
  | { readonly op: 'cached-files' }
  | { readonly op: 'dispose'; readonly id: number };

/** A step's answer, or the code and message it failed with. */
export type RolloutAnswer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: string; readonly message: string };

export interface LoadedInPage {
  readonly id: number;
  readonly version: string;
  readonly loadedFrom: string;
  readonly withdrawnVersion: string | undefined;
  readonly headSha256: string;
}
