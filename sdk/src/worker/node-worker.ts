import { parentPort, workerData } from 'node:worker_threads';
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { gateRuntime } from '../engine/gated-runtime.node.ts';
import { createNodeLoader, openNodeHeadStore } from '../engine/load-files-node.ts';
import { NativeGate } from '../engine/native-gate.node.ts';
import { selectNodeRuntime } from '../engine/runtime-node.ts';
import { exposeEngine } from './expose-engine.ts';
import { portEndpoint } from './port-endpoint.node.ts';

if (!parentPort) throw new Error('node-worker must run as a worker_thread');
const gate = new NativeGate((workerData as { nativeGate: SharedArrayBuffer }).nativeGate);
exposeEngine(
  new ClassifierEngine({ selectRuntime: gateRuntime(selectNodeRuntime, gate), loadFiles: createNodeLoader(), openHeadStore: openNodeHeadStore }),
  portEndpoint(parentPort),
);
