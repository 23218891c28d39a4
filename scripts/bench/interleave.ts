/*
 * Runs contenders side by side in rounds: each round gives every contender one turn, so slow
 * drift of the machine (thermal, other processes, GC) lands on all of them alike. The order
 * rotates every round (AB, BA, AB, ...) so no contender always runs right after another.
 * Platform-neutral: the Node bench and the browser bench page both use it.
 */

export interface Contender {
  readonly name: string;
  /** One timed operation; the timer covers everything up to its settled promise. */
  readonly run: () => Promise<unknown>;
}

export interface InterleaveOptions {
  /** Measured rounds. */
  readonly rounds: number;
  /** Rounds run first and discarded (JIT, caches, thread pools, allocator). */
  readonly warmupRounds: number;
  /** Timed operations per contender per turn, each one sample. */
  readonly callsPerTurn: number;
  /**
   * Untimed calls at the start of each turn. The first run after another contender pays for
   * switching (caches, sleeping thread pools, a vCPU woken by the hypervisor), a cost a real
   * app running one model never sees; absorbing it keeps the samples one steady-state mode.
   */
  readonly turnWarmupCalls?: number;
  /**
   * An idle pause before each turn. ONNX Runtime's pool threads spin for tens of milliseconds
   * after a run (measured here: two 2-thread sessions run back to back take up to twice as
   * long); the pause lets the previous contender's threads go to sleep.
   */
  readonly settleMs?: number;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds per operation, keyed by contender name (plain data: crosses page.evaluate). */
export type SamplesByContender = Record<string, number[]>;

export async function runInterleaved(contenders: readonly Contender[], options: InterleaveOptions): Promise<SamplesByContender> {
  const names = new Set(contenders.map((contender) => contender.name));
  if (names.size !== contenders.length) throw new RangeError('runInterleaved: contender names must be unique');
  const samples: SamplesByContender = Object.fromEntries(contenders.map((contender) => [contender.name, []]));
  for (let round = -options.warmupRounds; round < options.rounds; round++) {
    const shift = ((round % contenders.length) + contenders.length) % contenders.length;
    const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
    for (const contender of order) {
      if (options.settleMs) await pause(options.settleMs);
      for (let call = 0; call < (options.turnWarmupCalls ?? 0); call++) await contender.run();
      for (let call = 0; call < options.callsPerTurn; call++) {
        const start = performance.now();
        await contender.run();
        const elapsed = performance.now() - start;
        if (round >= 0) samples[contender.name]!.push(elapsed);
      }
    }
  }
  return samples;
}
