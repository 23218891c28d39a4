import { join } from 'node:path';
import { withObjectStore } from '../publish/open-object-store.ts';
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
export function publishCheckpointsLocally(checkpoints: readonly Checkpoint[], stateDir: string): Promise<PublishReport[]> {
  return withObjectStore(false, stateDir, async (store) => {
    const reports: PublishReport[] = [];
    for (const checkpoint of checkpoints) reports.push(await publishModel(store, checkpoint));
    return reports;
  });
}

/** Withdraws (or with `restore`, restores) a version in the local bucket under `stateDir`. */
export function withdrawLocally(stateDir: string, name: string, version: string, options: WithdrawOptions = {}): Promise<WithdrawReport> {
  return withObjectStore(false, stateDir, (store) => withdrawVersion(store, name, version, options));
}
