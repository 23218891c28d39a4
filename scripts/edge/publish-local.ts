import { join } from 'node:path';
import { openLocalBucket } from '../publish/local-bucket.ts';
import { r2ObjectStore } from '../publish/object-store.ts';
import { publishModel, type PublishReport } from '../publish/publish-model.ts';
import { readCheckpoint } from '../publish/read-checkpoint.ts';

/** Publishes the named checkpoints of `modelsDir` into the local bucket under `stateDir`. */
export async function publishLocally(modelsDir: string, names: readonly string[], stateDir: string): Promise<PublishReport[]> {
  const local = await openLocalBucket(stateDir);
  try {
    const store = r2ObjectStore(local.bucket);
    const reports: PublishReport[] = [];
    for (const name of names) reports.push(await publishModel(store, await readCheckpoint(join(modelsDir, name))));
    return reports;
  } finally {
    await local.close();
  }
}
