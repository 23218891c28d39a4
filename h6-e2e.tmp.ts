import { freePort } from './scripts/edge/free-port.ts';
import { publishLocally } from './scripts/edge/publish-local.ts';
import { startWranglerDev } from './scripts/edge/wrangler-dev.ts';
import { localDevelopmentKey } from './scripts/edge/dev-credentials.ts';
const stateDir = '/tmp/h6-keys-44JA';
await publishLocally('models', ['mnist-cnn'], stateDir);
const { key, created } = await localDevelopmentKey(stateDir);
const again = await localDevelopmentKey(stateDir);
console.log('dev key', created, again.created, again.key === key);
const dev = await startWranglerDev({ port: await freePort(), stateDir, stdio: 'pipe', vars: { ADMIN_KEY: 'adm' } });
try {
  const pixels = Buffer.alloc(784, 7).toString('base64');
  const samples = Array.from({ length: 256 }, (_, i) => ({ id: crypto.randomUUID(), model: 'mnist-cnn', label: String(i % 10), pixels }));
  const post = () => fetch(`${dev.url}/v1/samples`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ samples }) });
  let r = await post(); console.log(r.status, await r.text());
  r = await post(); console.log(r.status, await r.text());
  r = await fetch(`${dev.url}/v1/samples/stats`, { headers: { Authorization: `Bearer ${key}` } }); console.log(r.status, (await r.text()).slice(0, 200));
  r = await fetch(`${dev.url}/v1/samples/export?model=mnist-cnn&limit=2`, { headers: { Authorization: 'Bearer adm' } }); console.log(r.status, r.headers.get('edgetune-next-after'), (await r.text()).length);
  let limited = 0; for (let i = 0; i < 700 && !limited; i++) { const s = await fetch(`${dev.url}/v1/samples/stats`, { headers: { Authorization: `Bearer ${key}` } }); await s.arrayBuffer(); if (s.status === 429) limited = i; }
  console.log('429 after', limited);
} finally { await dev.stop(); }
