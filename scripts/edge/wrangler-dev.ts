import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface WranglerDevOptions {
  readonly port: number;
  /** wrangler's state directory (R2, D1 on disk); `--persist-to`. */
  readonly stateDir: string;
  /** Inherit the terminal (npm start) or keep the output for errors (tests, bench). */
  readonly stdio: 'inherit' | 'pipe';
  readonly vars?: Readonly<Record<string, string>>;
  /** Another wrangler config than the top-level wrangler.toml (the bench's bare Worker). */
  readonly config?: string;
}

export interface WranglerDev {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code once wrangler and everything it started are gone. */
  readonly exited: Promise<number | null>;
  /** Stops wrangler and its workerd children (the whole process group). */
  stop(): Promise<void>;
}

const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');

/**
 * Starts `wrangler dev` offline (no login, no metrics) in its own process group, so that one
 * signal stops wrangler and workerd together, and waits until the Worker answers /v1/health.
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const tempDir = join(options.stateDir, 'tmp');
  await mkdir(tempDir, { recursive: true });
  const args = [wranglerBin, 'dev', '--ip', '127.0.0.1', '--port', String(options.port), '--persist-to', options.stateDir, '--show-interactive-dev-session=false'];
  if (options.config !== undefined) args.push('--config', options.config);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`);
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: options.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    // Its temporary files (the update check's cache) go with its state, not into the caller's temp dir.
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG: process.env.WRANGLER_LOG ?? 'info', TMPDIR: tempDir },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  // Whatever ends this process (an error, a second Ctrl-C) must not leave wrangler behind.
  const orphanGuard = () => signalGroup(child, 'SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.removeListener('exit', orphanGuard);
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
    const forced = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(forced);
    // workerd may outlive wrangler by a moment; the group signal reaches it too.
    signalGroup(child, 'SIGKILL');
  };
  try {
    await waitForHealth(url, exited, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, exited, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is already gone.
  }
}

async function waitForHealth(url: string, exited: Promise<number | null>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`wrangler dev exited before it served ${url}:\n${output().slice(-4_000)}`);
    try {
      const response = await fetch(`${url}/v1/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer ${url}/v1/health within 120 s:\n${output().slice(-4_000)}`);
}
