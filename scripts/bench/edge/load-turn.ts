import type { WranglerDev } from '../../edge/wrangler-dev.ts';
import { summarize, type SampleSummary } from '../sample-stats.ts';
import { runLoad, type LoadSample, type LoadTarget } from './load-run.ts';
import { wranglerCpuSeconds } from './wrangler-processes.ts';

/** One turn of load, with the CPU the wrangler dev serving it spent per request (Workers only). */
export interface LoadTurn extends LoadSample {
  readonly workerCpuMs?: number;
  readonly totalCpuMs?: number;
}

/** A contender's turns summarized: rates and latencies per turn, errors and requests over all. */
export interface EdgeLoadRow {
  readonly contender: string;
  readonly requestsPerSecond: SampleSummary;
  readonly p50Ms: SampleSummary;
  readonly p99Ms: SampleSummary;
  /** Over every measured turn. */
  readonly errors: number;
  readonly requests: number;
  /**
   * CPU time per request of the workerd running the Worker (with Miniflare's router Workers), and
   * of the whole wrangler dev (its proxy workerd and wrangler too). Contention on the machine moves
   * these far less than req/s, so they compare Workers better on a busy machine.
   */
  readonly workerCpuMs?: SampleSummary;
  readonly totalCpuMs?: SampleSummary;
}

/** Loads `target` for `seconds`; with `dev`, also reads its processes' CPU time before and after. */
export async function runLoadTurn(target: LoadTarget, seconds: number, dev?: WranglerDev): Promise<LoadTurn> {
  const cpu = () => (dev === undefined ? undefined : wranglerCpuSeconds(dev.child.pid!, Number(new URL(dev.url).port)));
  const before = cpu();
  const sample = await runLoad(target, seconds);
  const after = cpu();
  if (before === undefined || after === undefined) return sample;
  const perRequest = (seconds: number) => (seconds * 1000) / Math.max(1, sample.requests);
  return { ...sample, workerCpuMs: perRequest(after.worker - before.worker), totalCpuMs: perRequest(after.total - before.total) };
}

export function summarizeTurns(contender: string, turns: readonly LoadTurn[]): EdgeLoadRow {
  const cpu = (pick: (turn: LoadTurn) => number | undefined) => {
    const values = turns.map(pick).filter((value): value is number => value !== undefined);
    return values.length === turns.length && values.length > 0 ? summarize(values) : undefined;
  };
  const [workerCpuMs, totalCpuMs] = [cpu((turn) => turn.workerCpuMs), cpu((turn) => turn.totalCpuMs)];
  return {
    contender,
    requestsPerSecond: summarize(turns.map((turn) => turn.requestsPerSecond)),
    p50Ms: summarize(turns.map((turn) => turn.p50Ms)),
    p99Ms: summarize(turns.map((turn) => turn.p99Ms)),
    errors: turns.reduce((sum, turn) => sum + turn.errors, 0),
    requests: turns.reduce((sum, turn) => sum + turn.requests, 0),
    ...(workerCpuMs ? { workerCpuMs } : {}),
    ...(totalCpuMs ? { totalCpuMs } : {}),
  };
}
