import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runCli } from './cli.ts';
import { ensureLocalAdminKey, localDevelopmentKey } from './edge/dev-credentials.ts';
import { publishLocally } from './edge/publish-local.ts';
import { applyMigrations } from './edge/samples-db.ts';
import { startWranglerDev } from './edge/wrangler-dev.ts';
import { checkpointNames } from './publish/checkpoint-names.ts';
import { DEFAULT_STATE_DIR } from './publish/local-bucket.ts';

/*
 * `npm start`: builds the SDK and the demo page, publishes every checkpoint under models/ to the
 * local R2 bucket (already published versions are left alone), then runs the Worker with
 * `wrangler dev`, offline.
 * Ctrl-C stops wrangler and workerd together; running it again is harmless.
 */
await runCli(async () => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      'models-dir': { type: 'string', default: 'models' },
      'persist-to': { type: 'string', default: DEFAULT_STATE_DIR },
    },
  });
  const port = Number(values.port);
  const url = `http://127.0.0.1:${port}`;
  if (await answersHealth(url)) {
    console.log(`edgetune is already running at ${url} (stop it with Ctrl-C in its terminal first to restart it).`);
    return;
  }

  console.log('building the SDK (dist/) and the demo page (workers/public)...');
  for (const script of ['scripts/build-sdk.ts', 'scripts/build-demo.ts']) execFileSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });

  const names = await checkpointNames(values['models-dir']);
  for (const report of await publishLocally(values['models-dir'], names, values['persist-to'])) {
    console.log(`${report.name}@${report.version}: ${report.changed ? 'published to local R2' : 'already in local R2'}`);
  }

  console.log('applying the D1 migrations (workers/migrations) to the local samples database...');
  await applyMigrations({ remote: false, stateDir: values['persist-to'] });
  const devKey = await localDevelopmentKey(values['persist-to']);
  const admin = await ensureLocalAdminKey();

  console.log(`starting wrangler dev on ${url} (offline; local state in ${values['persist-to']})...`);
  // The demo page shares samples with the local development key (GET /v1/demo/config hands it out).
  const dev = await startWranglerDev({ port, stateDir: values['persist-to'], stdio: 'inherit', vars: { DEMO_APP_KEY: devKey.key } });
  const stop = () => void dev.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  console.log(
    [
      '',
      `edgetune edge is up:`,
      `  ${url}/                      the demo page: draw, classify, correct, personalize, share`,
      `  ${url}/api                   the API's routes`,
      `  ${url}/v1/models             published models`,
      ...names.map((name) => `  ${url}/v1/models/${name}/manifest.json`),
      `  curl -X POST -H 'Content-Type: image/png' --data-binary @digit.png ${url}/v1/models/${names[0] ?? 'mnist-cnn'}/classify`,
      '',
      `local development app key${devKey.created ? ' (new)' : ''}: ${devKey.key}`,
      `  curl -H 'Authorization: Bearer ${devKey.key}' ${url}/v1/samples/stats`,
      `admin key (export): ADMIN_KEY in .dev.vars${admin.created ? ' (just written)' : ''}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  const code = await dev.exited;
  await dev.stop();
  process.exitCode = code ?? 0;
});

async function answersHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { service?: string }).service === 'edgetune';
  } catch {
    return false;
  }
}
