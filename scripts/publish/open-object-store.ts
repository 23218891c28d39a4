import { openLocalBucket } from './local-bucket.ts';
import { r2ObjectStore, type ObjectStore } from './object-store.ts';
import { modelsBucketName, remoteObjectStore } from './remote-bucket.ts';

/** Runs `task` against the models bucket: the account's R2 (`remote`) or wrangler dev's local state under `stateDir`. */
export async function withObjectStore<T>(remote: boolean, stateDir: string, task: (store: ObjectStore, where: string) => Promise<T>): Promise<T> {
  if (remote) {
    const bucket = await modelsBucketName();
    return task(await remoteObjectStore(bucket), `R2 bucket ${bucket} (remote)`);
  }
  const local = await openLocalBucket(stateDir);
  try {
    return await task(r2ObjectStore(local.bucket), `local R2 (${stateDir})`);
  } finally {
    await local.close();
  }
}
