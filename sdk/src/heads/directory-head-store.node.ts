import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { describeCause } from '../loading/load-errors.ts';
import { NotRegularFileError, readRegularFile } from '../node-files/read-regular-file.node.ts';
import { removeStaleTemporaries } from '../node-files/stale-temporaries.node.ts';
import { syncDirectory, writeDurably } from '../node-files/durable-write.node.ts';
import { decodeHeadFile, encodeHeadFile, HeadFileError } from './head-file.node.ts';
import { byKey, summarizeHead, validateHeadKey, validateHeadRecord, type HeadRecord, type HeadSummary } from './head-record.ts';
import { warnOnConsole, type HeadStore, type HeadStoreWarning } from './head-store.ts';
import { DEFAULTS, ENVIRONMENT } from '../defaults.ts';

const HEAD_FILE = /^[0-9a-f]{64}\.head$/;

/** `$EDGETUNE_HEADS_DIR`, else `~/.local/share/edgetune/heads`. */
export function defaultHeadsDirectory(): string {
  return process.env[ENVIRONMENT.headsDirectory] || join(homedir(), ...DEFAULTS.nodeHeadsDirectory);
}

/** Writes a complete new file at `path` and flushes it to disk. */
export type DurableWrite = (path: string, bytes: Uint8Array) => Promise<void>;

export interface DirectoryHeadStoreOptions {
  /** Default: defaultHeadsDirectory(). Created on the first save. */
  readonly directory?: string;
  /** Replaceable so tests can simulate a crash halfway through a write. */
  readonly writeFile?: DurableWrite;
  /** Files list() skipped because they are unreadable or damaged. Default: console.warn. */
  readonly onWarning?: HeadStoreWarning;
}

/**
 * Heads as files for Node: `<sha256 of key>.head`, each self-describing (see head-file.node.ts).
 * Hashed names, not the key itself: any valid key fits the 255-byte name limit, and keys that
 * differ only in case stay apart on case-insensitive file systems (macOS, Windows).
 * Saves write a unique temporary file, flush it and rename it over the target, so a crash or a
 * full disk leaves the previous head intact and concurrent savers never interleave.
 */
export class DirectoryHeadStore implements HeadStore {
  readonly directory: string;
  readonly #writeFile: DurableWrite;
  readonly #warn: HeadStoreWarning;

  constructor(options: DirectoryHeadStoreOptions = {}) {
    this.directory = options.directory ?? defaultHeadsDirectory();
    // Owner-only: a head is trained on the user's own samples.
    this.#writeFile = options.writeFile ?? ((path, bytes) => writeDurably(path, bytes, 0o600));
    this.#warn = options.onWarning ?? warnOnConsole;
  }

  /** The file that holds (or would hold) the head under key. */
  pathOf(key: string): string {
    return join(this.directory, `${createHash('sha256').update(validateHeadKey(key)).digest('hex')}.head`);
  }

  async save(record: HeadRecord): Promise<void> {
    const checked = validateHeadRecord(record);
    const target = this.pathOf(checked.key);
    const temporary = `${target}.${randomUUID()}.tmp`;
    try {
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
      await this.#writeFile(temporary, await encodeHeadFile(checked));
      await rename(temporary, target);
    } catch (cause) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new EdgetuneError(
        ErrorCodes.HEAD_STORAGE,
        `Could not save head '${checked.key}' in ${this.directory} (${describeCause(cause)}); the previous head under that key is unchanged.` +
          ' Make the directory writable and free disk space, or set EDGETUNE_HEADS_DIR to another directory.',
        { cause },
      );
    }
    await syncDirectory(this.directory);
  }

  async load(key: string): Promise<HeadRecord | undefined> {
    const path = this.pathOf(key);
    let file: Uint8Array;
    try {
      file = await readRegularFile(path);
    } catch (cause) {
      if (errnoOf(cause) === 'ENOENT') return undefined;
      if (cause instanceof NotRegularFileError) {
        throw new EdgetuneError(
          ErrorCodes.HEAD_INVALID,
          `The head saved under '${key}' (${path}) is not a regular file (a FIFO, device or directory). Delete it (delete('${key}')) and save again.`,
          { cause },
        );
      }
      throw new EdgetuneError(
        ErrorCodes.HEAD_STORAGE,
        `Could not read head '${key}' from ${path} (${describeCause(cause)}); check the file's permissions.`,
        { cause },
      );
    }
    return await this.#decode(file, path, key);
  }

  async list(): Promise<HeadSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (cause) {
      if (errnoOf(cause) === 'ENOENT') return [];
      throw new EdgetuneError(ErrorCodes.HEAD_STORAGE, `Could not list heads in ${this.directory} (${describeCause(cause)}); check its permissions.`, {
        cause,
      });
    }
    // Temporary files of saves in progress (or of a crashed process) do not match the pattern;
    // those of a crash are removed once stale.
    await removeStaleTemporaries(this.directory);
    const summaries = await Promise.all(names.filter((name) => HEAD_FILE.test(name)).map((name) => this.#summaryOf(join(this.directory, name))));
    return summaries.filter((summary) => summary !== undefined).sort(byKey);
  }

  async delete(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (cause) {
      if (errnoOf(cause) === 'ENOENT') return false;
      throw new EdgetuneError(ErrorCodes.HEAD_STORAGE, `Could not delete head '${key}' at ${path} (${describeCause(cause)}); check its permissions.`, {
        cause,
      });
    }
    await syncDirectory(this.directory);
    return true;
  }

  async #summaryOf(path: string): Promise<HeadSummary | undefined> {
    let file: Uint8Array;
    try {
      file = await readRegularFile(path);
    } catch (cause) {
      // Deleted between readdir and readFile: simply gone.
      if (errnoOf(cause) !== 'ENOENT') {
        this.#warn(new EdgetuneError(ErrorCodes.HEAD_STORAGE, `Skipped unreadable head file ${path} (${describeCause(cause)}).`, { cause }));
      }
      return undefined;
    }
    try {
      return summarizeHead(await this.#decode(file, path));
    } catch (error) {
      this.#warn(error as EdgetuneError);
      return undefined;
    }
  }

  /** The record in a file, checked to belong where it lies; else E_HEAD_INVALID. */
  async #decode(file: Uint8Array, path: string, key?: string): Promise<HeadRecord> {
    const subject = key === undefined ? `The head file ${path}` : `The head saved under '${key}' (${path})`;
    try {
      const record = await decodeHeadFile(file);
      if (this.pathOf(record.key) !== path) throw new HeadFileError(`it holds the head of '${record.key}', which belongs in another file`);
      return record;
    } catch (cause) {
      if (!(cause instanceof HeadFileError)) throw cause;
      const remedy = key === undefined ? 'Delete the file' : `Delete it (delete('${key}'))`;
      throw new EdgetuneError(ErrorCodes.HEAD_INVALID, `${subject} is damaged: ${cause.message}. ${remedy} and personalize again.`, {
        cause,
      });
    }
  }
}



function errnoOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
