import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory, in bytes, of the workerd process that runs the Worker under `wrangler dev`
 * (process group `processGroup`), read from /proc. wrangler runs two workerd processes: one
 * listening on the public port (its proxy Worker, whose memory grows with the requests it
 * forwards) and one running the Worker itself; this is the second. Its RSS covers the isolate with
 * its wasm heap plus workerd itself, an upper bound on the isolate's. Undefined off Linux.
 */
export function workerdRssBytes(processGroup: number, publicPort: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let total: number | undefined;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // After "(comm)": state(3) ppid(4) pgrp(5), numbered from pid = 1.
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (comm !== 'workerd' || group !== processGroup) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.endsWith(`=127.0.0.1:${publicPort}`))) continue; // the proxy
      const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) total = (total ?? 0) + Number(rss[1]) * 1024;
    } catch {
      // The process ended between readdir and read.
    }
  }
  return total;
}
