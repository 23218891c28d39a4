import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The npm package as an app receives it. The repository's tracked files (what a clone holds, in
 * their working-tree state so uncommitted edits are tested too; an untracked file is missing, as
 * it would be from a clone) are copied to a temporary directory and packed there with `npm pack`,
 * so only the package's own lifecycle scripts can produce dist/. node_modules is linked from the
 * repository: it is what `npm ci` installs from the same lockfile, and the package under test is
 * the tarball, not the dependencies that build it.
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PackedPackage {
  /** Temporary directory holding the clean copy, the tarball and any apps; removed by dispose(). */
  readonly root: string;
  /** The clean copy of the tracked files that was packed. */
  readonly copy: string;
  readonly tarball: string;
  /** Paths inside the tarball, as `npm pack --json` lists them. */
  readonly files: readonly string[];
  dispose(): Promise<void>;
}

export interface ThrowawayApp {
  readonly directory: string;
  /** Runs a command in the app directory (npm, node, tsc); never rejects. */
  run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CommandResult>;
}

/** npm as the child sees it: no lifecycle variables of a surrounding `npm test`, and no color. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())) env[key] = value;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

export function runCommand(command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env: childEnv(env), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function check(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
  return result;
}

async function copyTrackedFiles(destination: string): Promise<void> {
  const listed = check(await runCommand('git', ['ls-files', '-z', '--cached'], REPO_ROOT), 'git ls-files');
  for (const path of listed.stdout.split('\0').filter(Boolean)) {
    await mkdir(dirname(join(destination, path)), { recursive: true });
    try {
      await copyFile(join(REPO_ROOT, path), join(destination, path));
    } catch (error) {
      // Deleted in the working tree but not yet in the index: a clone after the commit lacks it too.
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
  }
  await symlink(await realpath(join(REPO_ROOT, 'node_modules')), join(destination, 'node_modules'), 'dir');
}

/** Packs the repository's tracked files with `npm pack` into a fresh temporary directory. */
export async function packRepository(): Promise<PackedPackage> {
  const root = await mkdtemp(join(tmpdir(), 'edgetune-pack-'));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const copy = join(root, 'repo');
    await copyTrackedFiles(copy);
    const packed = check(await runCommand('npm', ['pack', '--json', '--pack-destination', root], copy), 'npm pack');
    // prepack's build output precedes npm's JSON on stdout.
    const json = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const [entry] = json;
    if (!entry) throw new Error(`npm pack reported no tarball:\n${packed.stdout}`);
    return { root, copy, tarball: join(root, entry.filename), files: entry.files.map((file) => file.path), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * A new Node app in `<packed.root>/<name>` with `package.json` dependencies, e.g.
 * `{ edgetune: 'file:<tarball>' }`, installed by npm from its cache where it can. onnxruntime-node's
 * install script would download CUDA libraries; ONNXRUNTIME_NODE_INSTALL=skip is what an offline
 * app sets.
 */
export async function createThrowawayApp(packed: PackedPackage, name: string, dependencies: Record<string, string>): Promise<ThrowawayApp> {
  const directory = join(packed.root, name);
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, 'package.json'), JSON.stringify({ name, private: true, type: 'module', dependencies }, null, 2));
  const app: ThrowawayApp = {
    directory,
    run: (command, args, env) => runCommand(command, args, directory, { ONNXRUNTIME_NODE_INSTALL: 'skip', ...env }),
  };
  check(await app.run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']), `npm install in ${name}`);
  return app;
}

/** The version this repository pins for a dependency, so the app installs what the cache holds. */
export async function pinnedVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const version = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
  if (!version) throw new Error(`package.json pins no version of ${name}`);
  return version;
}
