import { parentPort, workerData } from 'node:worker_threads';
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { NativeGate } from '../engine/native-gate.node.ts';
import { nodePlatform } from '../engine/platform.node.ts';
import { exposeEngine } from './expose-engine.ts';
import { portEndpoint } from './port-endpoint.node.ts';

if (!parentPort) throw new Error('the edgetune node worker must run as a worker_thread');
const gate = new NativeGate((workerData as { nativeGate: SharedArrayBuffer }).nativeGate);
exposeEngine(new ClassifierEngine(nodePlatform(gate)), portEndpoint(parentPort));
