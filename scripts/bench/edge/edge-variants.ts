import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { freePort } from '../../edge/free-port.ts';
import { publishLocally } from '../../edge/publish-local.ts';
import { startWranglerDev, type WranglerDev } from '../../edge/wrangler-dev.ts';
import type { BenchCheckpoint } from '../bench-checkpoint.ts';
import type { BenchImages } from '../bench-images.ts';
import { runInterleaved } from '../interleave.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { firstClassify, SETTLE_MS, TURN_SECONDS, WARMUP_SECONDS } from './edge-bench.ts';
import { runLoad, type LoadTarget } from './load-run.ts';
import { runLoadTurn, summarizeTurns, type EdgeLoadRow, type LoadTurn } from './load-turn.ts';
import { productAssetsSection, writeConfigVariant, type ConfigVariant } from './wrangler-config-variant.ts';

/*
 * Where the edge's time per request goes, by elimination: the edge and the bare Worker, each with
 * and without the product's [assets] set-up (under wrangler dev, Miniflare sends every request of a
 * Worker with assets through its router and asset Workers first), loaded side by side.
 */

interface Server {
  readonly name: string;
  readonly config: string;
  /** Needs the model in its R2 (the edge); the bare Worker bundles it. */
  readonly edge: boolean;
  readonly variant?: ConfigVariant;
}

export async function runEdgeVariants(
  checkpoint: BenchCheckpoint,
  images: BenchImages,
  options: {
    rounds: number;
    /** Another checkout of the repository (e.g. an earlier commit, demo page built): its edge runs beside this one's. */
    baseline?: string;
    log: (line: string) => void;
  },
): Promise<EdgeLoadRow[]> {
  const edgeConfig = join(REPO_ROOT, 'wrangler.toml');
  const bareConfig = join(REPO_ROOT, 'workers/bench/wrangler.toml');
  const servers: Server[] = [
    { name: 'edge', config: edgeConfig, edge: true },
    { name: 'edge without [assets]', config: edgeConfig, edge: true, variant: { withoutAssets: true } },
    { name: 'bare', config: bareConfig, edge: false },
    { name: 'bare with [assets]', config: bareConfig, edge: false, variant: { addAssets: await productAssetsSection() } },
  ];
  if (options.baseline !== undefined) servers.push({ name: 'baseline edge', config: join(options.baseline, 'wrangler.toml'), edge: true });
  const dirs: string[] = [];
  const running: WranglerDev[] = [];
  try {
    const devs = new Map<string, WranglerDev>();
    for (const server of servers) {
      const dir = await mkdtemp(join(tmpdir(), 'edgetune-bench-variant-'));
      dirs.push(dir);
      const config = server.variant ? await writeConfigVariant(server.config, dir, server.variant) : server.config;
      if (server.edge) await publishLocally(dirname(checkpoint.directory), [basename(checkpoint.directory)], dir);
      options.log(`variants: starting ${server.name}`);
      const dev = await startWranglerDev({ port: await freePort(), stateDir: dir, stdio: 'pipe', config });
      running.push(dev);
      devs.set(server.name, dev);
    }
    const json = JSON.stringify({ inputs: [Array.from(images.pixels.subarray(0, 784))] });
    const binary = Buffer.from(images.bytes.subarray(0, 784));
    const classify = (name: string) => `${devs.get(name)!.url}/v1/models/${checkpoint.name}/classify`;
    const targets: Record<string, LoadTarget> = {
      'edge, JSON': { url: classify('edge'), contentType: 'application/json', body: json },
      'edge, binary': { url: classify('edge'), contentType: 'application/octet-stream', body: binary },
      'edge without [assets], JSON': { url: classify('edge without [assets]'), contentType: 'application/json', body: json },
      // The bare Worker ignores the path; /v1/ takes the same route through [assets] as the edge's.
      'bare, JSON': { url: classify('bare'), contentType: 'application/json', body: json },
      'bare with [assets], JSON': { url: classify('bare with [assets]'), contentType: 'application/json', body: json },
      ...(devs.has('baseline edge')
        ? {
            'baseline edge, JSON': { url: classify('baseline edge'), contentType: 'application/json', body: json },
            'baseline edge, binary': { url: classify('baseline edge'), contentType: 'application/octet-stream', body: binary },
          }
        : {}),
    };
    for (const target of Object.values(targets)) {
      await firstClassify(target);
      await runLoad(target, WARMUP_SECONDS);
    }
    const samples: Record<string, LoadTurn[]> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    const devOf = (target: LoadTarget) => [...devs.values()].find((dev) => target.url.startsWith(`${dev.url}/`))!;
    options.log(`variants: ${options.rounds} interleaved rounds of ${TURN_SECONDS} s per contender`);
    await runInterleaved(
      Object.entries(targets).map(([name, target]) => ({ name, run: async () => samples[name]!.push(await runLoadTurn(target, TURN_SECONDS, devOf(target))) })),
      { rounds: options.rounds, warmupRounds: 0, callsPerTurn: 1, settleMs: SETTLE_MS },
    );
    return Object.entries(samples).map(([contender, turns]) => summarizeTurns(contender, turns));
  } finally {
    await Promise.all(running.map((dev) => dev.stop()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
