import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./node-ort-server.ts', import.meta.url));

export interface NodeServer {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts node-ort-server.ts as a process of its own (the load generator must not share its event loop). */
export async function startNodeOrtServer(modelPath: string): Promise<NodeServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, modelPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(forced);
  };
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(() => reject(new Error('the Node ORT server exited before it listened')));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
}
