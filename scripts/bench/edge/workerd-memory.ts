import { readFileSync } from 'node:fs';
import { wranglerProcesses } from './wrangler-processes.ts';

/**
 * Resident memory, in bytes, of the workerd process that runs the Worker under `wrangler dev`
 * (process group `processGroup`), read from /proc. wrangler runs two workerd processes: one
 * listening on the public port (its proxy Worker, whose memory grows with the requests it
 * forwards) and one running the Worker itself; this is the second. Its RSS covers the isolate with
 * its wasm heap plus workerd itself, an upper bound on the isolate's. Undefined off Linux.
 */
export function workerdRssBytes(processGroup: number, publicPort: number): number | undefined {
  let total: number | undefined;
  for (const process of wranglerProcesses(processGroup, publicPort)) {
    if (process.comm !== 'workerd' || process.proxy) continue;
    try {
      const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${process.pid}/status`, 'utf8'));
      if (rss) total = (total ?? 0) + Number(rss[1]) * 1024;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}
