import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');

/** The database_name of wrangler.toml's SAMPLES binding. */
export const SAMPLES_DATABASE = 'edgetune-samples';

/** Local (`--persist-to` a state directory, as `wrangler dev` uses) or the account's real D1 (`--remote`). */
export type DatabaseTarget = { readonly remote: true } | { readonly remote: false; readonly stateDir: string };

function targetArgs(target: DatabaseTarget): string[] {
  return target.remote ? ['--remote'] : ['--local', '--persist-to', target.stateDir];
}

async function wrangler(args: readonly string[]): Promise<string> {
  try {
    // CI=true: no interactive confirmation prompts.
    const { stdout } = await run(process.execPath, [wranglerBin, ...args], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      maxBuffer: 16 << 20,
    });
    return stdout;
  } catch (error) {
    const output = `${(error as { stderr?: string }).stderr ?? ''}${(error as { stdout?: string }).stdout ?? ''}`;
    throw new Error(`wrangler ${args.slice(0, 3).join(' ')} failed: ${output.trim().slice(-1_000)}`);
  }
}

/** Applies workers/migrations (wrangler.toml's migrations_dir) that are not applied yet. */
export async function applyMigrations(target: DatabaseTarget): Promise<void> {
  await wrangler(['d1', 'migrations', 'apply', SAMPLES_DATABASE, ...targetArgs(target)]);
}

/** Runs one SQL statement and returns its rows. Values must already be safe literals (see sqlText). */
export async function query<Row>(target: DatabaseTarget, sql: string): Promise<Row[]> {
  const stdout = await wrangler(['d1', 'execute', SAMPLES_DATABASE, ...targetArgs(target), '--json', '--command', sql]);
  const parsed = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ results?: Row[] }>;
  return parsed.flatMap((result) => result.results ?? []);
}

/** A SQL string literal; wrangler's --command takes no bound parameters. */
export function sqlText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
