import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ObjectStore } from './object-store.ts';

const run = promisify(execFile);

/** The bucket_name of the MODELS binding in wrangler.toml. */
export async function modelsBucketName(configPath = 'wrangler.toml'): Promise<string> {
  const toml = await readFile(configPath, 'utf8');
  const binding = /\[\[r2_buckets\]\][^[]*?binding\s*=\s*"MODELS"[^[]*?bucket_name\s*=\s*"([^"]+)"/s.exec(toml);
  if (!binding?.[1]) throw new RangeError(`${configPath} has no [[r2_buckets]] entry with binding = "MODELS" and a bucket_name`);
  return binding[1];
}

/** The account's real R2 bucket, through `wrangler r2 object get|put --remote` (needs `wrangler login`). */
export async function remoteObjectStore(bucketName: string): Promise<ObjectStore> {
  const wrangler = ['exec', '--', 'wrangler', 'r2', 'object'];
  const work = await mkdtemp(join(tmpdir(), 'edgetune-publish-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' };
  return {
    async get(key) {
      const file = join(work, 'download');
      try {
        await run('npm', [...wrangler, 'get', `${bucketName}/${key}`, '--remote', '--file', file], { env, maxBuffer: 1 << 20 });
      } catch (error) {
        const output = `${(error as { stderr?: string }).stderr ?? ''}${(error as { stdout?: string }).stdout ?? ''}`;
        if (/not found|does not exist|404/i.test(output)) return undefined;
        throw new Error(`wrangler r2 object get ${key} failed: ${output.trim().slice(-500)}`);
      }
      const bytes = await readFile(file);
      await rm(file, { force: true });
      return bytes;
    },
    async put(key, bytes, contentType) {
      const file = join(work, 'upload');
      await writeFile(file, bytes);
      await run('npm', [...wrangler, 'put', `${bucketName}/${key}`, '--remote', '--file', file, '--content-type', contentType], {
        env,
        maxBuffer: 1 << 20,
      });
      await rm(file, { force: true });
    },
  };
}
