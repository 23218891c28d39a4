import { join } from 'node:path';
import { openLocalBucket } from '../publish/local-bucket.ts';
import { r2ObjectStore } from '../publish/object-store.ts';
import { publishModel, type Checkpoint, type PublishReport } from '../publish/publish-model.ts';
import { readCheckpoint } from '../publish/read-checkpoint.ts';
import { withdrawVersion, type WithdrawOptions, type WithdrawReport } from '../publish/withdraw-version.ts';

/** Publishes the named checkpoints of `modelsDir` into the local bucket under `stateDir`. */
export async function publishLocally(modelsDir: string, names: readonly string[], stateDir: string): Promise<PublishReport[]> {
  const checkpoints: Checkpoint[] = [];
  for (const name of names) checkpoints.push(await readCheckpoint(join(modelsDir, name)));
  return publishCheckpointsLocally(checkpoints, stateDir);
}

/** Publishes checkpoints already in memory (e.g. a re-versioned copy) into the local bucket under `stateDir`. */
export async function publishCheckpointsLocally(checkpoints: readonly Checkpoint[], stateDir: string): Promise<PublishReport[]> {
  const local = await openLocalBucket(stateDir);
  try {
    const store = r2ObjectStore(local.bucket);
    const reports: PublishReport[] = [];
    for (const checkpoint of checkpoints) reports.push(await publishModel(store, checkpoint));
    return reports;
  } finally {
    await local.close();
  }
}

/** Withdraws (or with `restore`, restores) a version in the local bucket under `stateDir`. */
export async function withdrawLocally(stateDir: string, name: string, version: string, options: WithdrawOptions = {}): Promise<WithdrawReport> {
  const local = await openLocalBucket(stateDir);
  try {
    return await withdrawVersion(r2ObjectStore(local.bucket), name, version, options);
  } finally {
    await local.close();
  }
}
