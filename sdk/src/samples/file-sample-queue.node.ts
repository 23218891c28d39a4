import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EdgetuneError, ErrorCodes } from '../errors.ts';
import type { SampleQueueStore } from './sample-queue.ts';
import type { SampleWire } from './sample-wire.ts';

/** The queue as one JSON file, replaced atomically (write a temporary file, then rename over). */
export class FileSampleQueue implements SampleQueueStore {
  constructor(private readonly path: string) {}

  async load(): Promise<SampleWire[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return [];
      throw new EdgetuneError(ErrorCodes.CACHE, `Cannot read the sample queue ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const parsed = JSON.parse(text) as { samples?: unknown };
    if (!Array.isArray(parsed.samples)) throw new EdgetuneError(ErrorCodes.CACHE, `${this.path} is not a sample queue; move it away to start an empty one.`);
    return parsed.samples as SampleWire[];
  }

  async save(samples: readonly SampleWire[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify({ samples }));
    await rename(temporary, this.path);
  }
}
