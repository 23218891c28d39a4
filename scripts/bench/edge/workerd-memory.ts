import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of the workerd processes in a process group (wrangler dev's), in bytes, read
 * from /proc. It is the whole runtime's (the isolate, its wasm memory, workerd itself and
 * wrangler's local proxy Worker), an upper bound on the isolate's. Undefined off Linux.
 */
export function workerdRssBytes(processGroup: number): number | undefined {
  let total: number | undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // After "(comm)": state(3) ppid(4) pgrp(5), numbered from pid = 1.
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (comm !== 'workerd' || group !== processGroup) continue;
      const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) total = (total ?? 0) + Number(rss[1]) * 1024;
    } catch {
      // The process ended between readdir and read.
    }
  }
  return total;
}
