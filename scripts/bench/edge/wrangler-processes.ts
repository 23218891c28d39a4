import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface WranglerProcess {
  readonly pid: number;
  readonly comm: string;
  /** The workerd listening on the public port: wrangler's proxy Worker, not the Worker itself. */
  readonly proxy: boolean;
  /** User plus system CPU time so far. */
  readonly cpuSeconds: number;
}

/**
 * Every process of a `wrangler dev` started in its own process group `processGroup`, read from
 * /proc: wrangler itself and its two workerd processes (the proxy on the public port, and the one
 * running the Worker). Empty off Linux.
 */
export function wranglerProcesses(processGroup: number, publicPort: number): WranglerProcess[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: WranglerProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // After "(comm)": state(3) ppid(4) pgrp(5) ... utime(14) stime(15), numbered from pid = 1.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== processGroup) continue;
      const args = comm === 'workerd' ? readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0') : [];
      found.push({
        pid: Number(entry),
        comm,
        proxy: args.some((arg) => arg.endsWith(`=127.0.0.1:${publicPort}`)),
        cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return found;
}

/** CPU seconds used so far by the workerd running the Worker, and by the whole wrangler dev. */
export function wranglerCpuSeconds(processGroup: number, publicPort: number): { worker: number; total: number } {
  const processes = wranglerProcesses(processGroup, publicPort);
  const sum = (list: readonly WranglerProcess[]) => list.reduce((total, process) => total + process.cpuSeconds, 0);
  return { worker: sum(processes.filter((process) => process.comm === 'workerd' && !process.proxy)), total: sum(processes) };
}
