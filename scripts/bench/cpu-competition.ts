import { readdirSync, readFileSync } from 'node:fs';

/*
 * How much CPU other processes took while a section ran. A load average cannot tell the bench's
 * own threads (and its Chromium) from a neighbour's, so this samples /proc: every process outside
 * the bench's own process tree is a competitor. Processes living less than one sampling period
 * are missed, so this is a lower bound. Linux only; elsewhere it reports nothing.
 */

/** /proc/stat and /proc/<pid>/stat count in USER_HZ, 100 on Linux. */
const TICKS_PER_SECOND = 100;
/** Rare enough that reading /proc costs the measurement well under 1% of a core. */
const SAMPLE_INTERVAL_MS = 1000;

export interface CpuCompetition {
  readonly seconds: number;
  /** Average cores kept busy by processes outside the bench. */
  readonly otherCores: number;
  /** Average cores the hypervisor gave to other guests. */
  readonly stealCores: number;
}

interface ProcessTicks {
  readonly parent: number;
  readonly ticks: number;
}

function readProcesses(): Map<number, ProcessTicks> {
  const processes = new Map<number, ProcessTicks>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After "(comm)": state(3) ppid(4) ... utime(14) stime(15), numbered from pid = 1.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      processes.set(pid, { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return processes;
}

function ownTree(processes: Map<number, ProcessTicks>): Set<number> {
  const own = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { parent }] of processes) {
      if (!own.has(pid) && own.has(parent)) {
        own.add(pid);
        grew = true;
      }
    }
  }
  return own;
}

function readSteal(): number {
  // cpu  user nice system idle iowait irq softirq steal ...
  return Number(readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)[8]);
}

export class CpuCompetitionMonitor {
  readonly #start = performance.now();
  readonly #startSteal: number;
  /** Ticks last seen per process; processes present at the start only count what they add. */
  readonly #lastTicks = new Map<number, number>();
  #otherTicks = 0;
  readonly #timer: NodeJS.Timeout;

  private constructor() {
    this.#startSteal = readSteal();
    for (const [pid, { ticks }] of readProcesses()) this.#lastTicks.set(pid, ticks);
    this.#timer = setInterval(() => this.#sample(), SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Undefined where /proc is missing (not Linux). */
  static start(): CpuCompetitionMonitor | undefined {
    try {
      return new CpuCompetitionMonitor();
    } catch {
      return undefined;
    }
  }

  #sample(): void {
    const processes = readProcesses();
    const own = ownTree(processes);
    for (const [pid, { ticks }] of processes) {
      const previous = this.#lastTicks.get(pid) ?? 0;
      this.#lastTicks.set(pid, ticks);
      if (!own.has(pid)) this.#otherTicks += Math.max(0, ticks - previous);
    }
  }

  stop(): CpuCompetition {
    clearInterval(this.#timer);
    this.#sample();
    const seconds = (performance.now() - this.#start) / 1000;
    const cores = (ticks: number) => Math.max(0, ticks / TICKS_PER_SECOND / seconds);
    return { seconds, otherCores: cores(this.#otherTicks), stealCores: cores(readSteal() - this.#startSteal) };
  }
}

/** A warning when neighbours took a noticeable share of the machine during a section. */
export function competitionWarning(section: string, competition: CpuCompetition | undefined): string | undefined {
  if (!competition || competition.otherCores + competition.stealCores < 0.1) return undefined;
  return (
    `during the ${section} section other processes used ${competition.otherCores.toFixed(2)} cores on average` +
    (competition.stealCores >= 0.05 ? ` and the hypervisor took ${competition.stealCores.toFixed(2)}` : '') +
    ': absolute numbers are low and ratios noisy'
  );
}
