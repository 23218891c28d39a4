import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Manifest } from '../artifacts/manifest.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { ownedBytes } from './bytes.ts';
import { isSealed, manifestDigest, manifestText } from './manifest-seal.ts';
import { validateManifest } from './read-manifest.ts';
import { NotRegularFileError, readRegularFile } from '../node-files/read-regular-file.node.ts';
import { removeStaleTemporaries } from '../node-files/stale-temporaries.node.ts';
import { writeDurably } from '../node-files/durable-write.node.ts';
import { DEFAULTS, ENVIRONMENT } from '../defaults.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `$EDGETUNE_CACHE_DIR`, else `~/.cache/edgetune`. */
export function defaultCacheDirectory(): string {
  return process.env[ENVIRONMENT.cacheDirectory] || join(homedir(), ...DEFAULTS.nodeCacheDirectory);
}

/** Writes a complete file at `path` and flushes it to disk. */
export type DurableWrite = (path: string, bytes: Uint8Array) => Promise<void>;

export interface DirectoryStoreOptions {
  /** Default: defaultCacheDirectory(). */
  readonly directory?: string;
  /** Replaceable so tests can simulate a crash halfway through a write. */
  readonly writeFile?: DurableWrite;
}

/**
 * A cache directory for Node: `files/<sha256>` holds file bytes, `manifests/<sha256 of key>.json`
 * holds `{ key, manifest }` and `manifests/<sha256 of key>.sha256` its seal (manifest-seal.ts). Every write goes to a unique temporary name and is renamed into
 * place, so a crash never leaves a partial file under a real name and concurrent writers
 * (two processes loading the same model) never interleave; what a killed process left behind is
 * removed an hour later, at the next store's first write.
 */
export class DirectoryStore implements ArtifactStore {
  readonly directory: string;
  readonly #writeFile: DurableWrite;
  /** Each directory is swept once per store, before its first write. */
  readonly #swept = new Set<string>();

  constructor(options: DirectoryStoreOptions = {}) {
    this.directory = options.directory ?? defaultCacheDirectory();
    this.#writeFile = options.writeFile ?? writeDurably;
  }

  async getFile(sha256: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const bytes = await readIfPresent(this.#filePath(sha256));
    return bytes && ownedBytes(bytes);
  }

  async putFile(sha256: string, bytes: Uint8Array): Promise<void> {
    await this.#writeAtomically(this.#filePath(sha256), bytes);
  }

  async deleteFile(sha256: string): Promise<void> {
    await rm(this.#filePath(sha256), { force: true });
  }

  async listFiles(): Promise<string[]> {
    return (await listIfPresent(join(this.directory, 'files'))).filter((name) => SHA256_HEX.test(name));
  }

  async getManifest(key: string): Promise<Manifest | undefined> {
    return (await this.#readManifestEntry(this.#manifestPath(key)))?.manifest;
  }

  async putManifest(key: string, manifest: Manifest): Promise<void> {
    const path = this.#manifestPath(key);
    const text = manifestText(manifest);
    // A crash between the two writes leaves a seal that does not match: a cache miss, never a wrong manifest.
    await this.#writeAtomically(path, new TextEncoder().encode(`{"key":${JSON.stringify(key)},"manifest":${text}}`));
    await this.#writeAtomically(sealPath(path), new TextEncoder().encode(await manifestDigest(text)));
  }

  async deleteManifest(key: string): Promise<void> {
    const path = this.#manifestPath(key);
    await rm(path, { force: true });
    await rm(sealPath(path), { force: true });
  }

  async listManifests(): Promise<string[]> {
    const directory = join(this.directory, 'manifests');
    const names = (await listIfPresent(directory)).filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
    const entries = await Promise.all(names.map((name) => this.#readManifestEntry(join(directory, name))));
    return entries.flatMap((entry) => (entry ? [entry.key] : []));
  }

  #filePath(sha256: string): string {
    // The hash becomes a file name, so it must not be able to name anything else.
    if (!SHA256_HEX.test(sha256)) throw new RangeError(`not a lowercase hex sha256: "${sha256}"`);
    return join(this.directory, 'files', sha256);
  }

  #manifestPath(key: string): string {
    return join(this.directory, 'manifests', `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  /** An unreadable, invalid or unsealed entry reads as absent: the next online load stores a fresh one. */
  async #readManifestEntry(path: string): Promise<{ key: string; manifest: Manifest } | undefined> {
    const bytes = await readIfPresent(path);
    if (!bytes) return undefined;
    try {
      const entry = JSON.parse(new TextDecoder().decode(bytes)) as { key?: unknown; manifest?: unknown };
      if (typeof entry.key !== 'string') return undefined;
      const seal = await readIfPresent(sealPath(path));
      if (!(await isSealed(JSON.stringify(entry.manifest), seal && new TextDecoder().decode(seal)))) return undefined;
      return { key: entry.key, manifest: validateManifest(entry.manifest, path) };
    } catch {
      return undefined;
    }
  }

  async #writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
    const directory = dirname(path);
    await mkdir(directory, { recursive: true });
    if (!this.#swept.has(directory)) {
      this.#swept.add(directory);
      await removeStaleTemporaries(directory);
    }
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await this.#writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}

/** `manifests/<h>.sha256` beside `manifests/<h>.json`: the digest of the manifest's JSON text. */
function sealPath(manifestPath: string): string {
  return manifestPath.replace(/\.json$/, '.sha256');
}


/** A missing entry, or one that is not a regular file (a FIFO would block the read forever), is a miss; the next write replaces it. */
async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readRegularFile(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT' || error instanceof NotRegularFileError) return undefined;
    throw error;
  }
}

async function listIfPresent(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}
