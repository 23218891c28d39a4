import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { createNodeLoader, openNodeHeadStore } from '../engine/load-files-node.ts';
import { selectNodeRuntime } from '../engine/runtime-node.ts';
import { exposeEngine } from './expose-engine.ts';

if (!parentPort) throw new Error('node-worker must run as a worker_thread');
exposeEngine(new ClassifierEngine({ selectRuntime: selectNodeRuntime, loadFiles: createNodeLoader(), openHeadStore: openNodeHeadStore }), nodeEndpoint(parentPort));
