import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { checkpointNames } from './publish/checkpoint-names.ts';
import { DEFAULT_STATE_DIR, openLocalBucket } from './publish/local-bucket.ts';
import { r2ObjectStore, type ObjectStore } from './publish/object-store.ts';
import { publishModel, type PublishReport } from './publish/publish-model.ts';
import { readCheckpoint } from './publish/read-checkpoint.ts';
import { withdrawVersion } from './publish/withdraw-version.ts';
import { modelsBucketName, remoteObjectStore } from './publish/remote-bucket.ts';

const USAGE =
  'usage: npm run publish -- --model NAME|all [--remote] [--models-dir DIR] [--persist-to DIR]\n' +
  '       npm run publish -- --model NAME --withdraw VERSION [--reason TEXT] | --restore VERSION [--remote] [--persist-to DIR]';

/** `npm run publish`: uploads checkpoints to the models bucket, local (wrangler dev's) by default. */
await runCli(async () => {
  // npm also runs a "publish" script after `npm publish` of the SDK package: that is not a model upload.
  if (process.env.npm_command === 'publish') return;
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      remote: { type: 'boolean', default: false },
      'models-dir': { type: 'string', default: 'models' },
      'persist-to': { type: 'string', default: DEFAULT_STATE_DIR },
      withdraw: { type: 'string' },
      restore: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  if (!values.model) throw new RangeError(`--model is required (a directory under ${values['models-dir']}, or "all")\n${USAGE}`);
  const target = values.withdraw ?? values.restore;
  if (target !== undefined) {
    if (values.withdraw !== undefined && values.restore !== undefined) throw new RangeError(`pass --withdraw or --restore, not both\n${USAGE}`);
    const name = values.model;
    const restore = values.restore !== undefined;
    await withStore(values.remote, values['persist-to'], async (store, where) => {
      const result = await withdrawVersion(store, name, target, { restore, ...(values.reason ? { reason: values.reason } : {}) });
      const state = restore ? 'offered again' : 'withdrawn: the edge no longer serves it as latest, and its manifest answers 410 naming the replacement';
      console.log(`${name}@${target}: ${result.changed ? state : `already ${restore ? 'not withdrawn' : 'withdrawn'}, nothing to do`} (${where}); withdrawn versions: ${result.withdrawn.join(', ') || 'none'}`);
    });
    return;
  }
  const names = values.model === 'all' ? await checkpointNames(values['models-dir']) : [values.model];
  await withStore(values.remote, values['persist-to'], async (store, where) => {
    for (const name of names) report(await publishModel(store, await readCheckpoint(join(values['models-dir'], name))), where);
  });
});

async function withStore(remote: boolean, stateDir: string, task: (store: ObjectStore, where: string) => Promise<void>): Promise<void> {
  if (remote) {
    const bucket = await modelsBucketName();
    return task(await remoteObjectStore(bucket), `R2 bucket ${bucket} (remote)`);
  }
  const local = await openLocalBucket(stateDir);
  try {
    await task(r2ObjectStore(local.bucket), `local R2 (${stateDir})`);
  } finally {
    await local.close();
  }
}

function report(result: PublishReport, where: string): void {
  const uploaded = result.steps.filter((step) => step.kind === 'file' && step.action === 'uploaded').length;
  const latest = result.steps.find((step) => step.kind === 'latest');
  if (!result.changed) {
    console.log(`${result.name}@${result.version}: already published to ${where}, nothing to do`);
    return;
  }
  const pointer = latest?.kind === 'latest' && latest.action === 'moved' ? 'latest now points to it' : `latest stays ${latest?.kind === 'latest' ? latest.version : '?'}`;
  console.log(`${result.name}@${result.version}: published to ${where} (${uploaded} file(s) uploaded, each verified by sha256); ${pointer}`);
}
