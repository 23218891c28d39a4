import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { createApp, listApps, revokeApp } from './edge/app-keys.ts';
import { applyMigrations, type DatabaseTarget } from './edge/samples-db.ts';
import { DEFAULT_STATE_DIR } from './publish/local-bucket.ts';

/*
 * `npm run keys -- create <name> | list | revoke <app id> [--remote] [--persist-to DIR]`: app keys
 * for POST /v1/samples. Local D1 by default (the state `npm start` uses); --remote needs `wrangler login`.
 */
await runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { remote: { type: 'boolean', default: false }, 'persist-to': { type: 'string', default: DEFAULT_STATE_DIR } },
  });
  const [command, argument] = positionals;
  const target: DatabaseTarget = values.remote ? { remote: true } : { remote: false, stateDir: values['persist-to'] };
  await applyMigrations(target);
  switch (command) {
    case 'create': {
      const { id, key } = await createApp(target, argument ?? 'app');
      console.log(`app ${id} created. Its key (shown once; only its SHA-256 is stored):\n${key}`);
      return;
    }
    case 'list':
      for (const app of await listApps(target)) {
        const state = app.revoked_at === null ? 'active' : `revoked ${new Date(app.revoked_at).toISOString()}`;
        console.log(`${app.id}  ${app.name}  created ${new Date(app.created_at).toISOString()}  ${state}`);
      }
      return;
    case 'revoke':
      if (argument === undefined) throw new RangeError('name the app: npm run keys -- revoke <app id> (npm run keys -- list shows them)');
      if (!(await revokeApp(target, argument))) throw new RangeError(`no active app ${argument}; npm run keys -- list shows them`);
      console.log(`app ${argument} revoked; its key now gets a 401. Its samples stay stored.`);
      return;
    default:
      throw new RangeError('usage: npm run keys -- create <name> | list | revoke <app id> [--remote]');
  }
});
