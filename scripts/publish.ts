import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { checkpointNames } from './publish/checkpoint-names.ts';
import { DEFAULT_STATE_DIR } from './publish/local-bucket.ts';
import { withObjectStore } from './publish/open-object-store.ts';
import { describePublish } from './publish/describe-publish.ts';
import { publishModel } from './publish/publish-model.ts';
import { readCheckpoint } from './publish/read-checkpoint.ts';
import { withdrawVersion } from './publish/withdraw-version.ts';

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
    await withObjectStore(values.remote, values['persist-to'], async (store, where) => {
      const result = await withdrawVersion(store, name, target, { restore, ...(values.reason ? { reason: values.reason } : {}) });
      const state = restore ? 'offered again' : 'withdrawn: the edge no longer serves it as latest, and its manifest answers 410 naming the replacement';
      console.log(`${name}@${target}: ${result.changed ? state : `already ${restore ? 'not withdrawn' : 'withdrawn'}, nothing to do`} (${where}); withdrawn versions: ${result.withdrawn.join(', ') || 'none'}`);
    });
    return;
  }
  const names = values.model === 'all' ? await checkpointNames(values['models-dir']) : [values.model];
  await withObjectStore(values.remote, values['persist-to'], async (store, where) => {
    for (const name of names) console.log(describePublish(await publishModel(store, await readCheckpoint(join(values['models-dir'], name))), where));
  });
});
