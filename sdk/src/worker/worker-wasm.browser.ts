/// <reference lib="webworker" />
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { browserPlatform } from '../engine/platform.browser.ts';
import { exposeEngine } from './expose-engine.ts';

// The worker for backend 'wasm', and 'auto' where the browser has no WebGPU: the WASM build only.
// Where a bundler inlines a worker's dynamic imports (Vite's default), this chunk is 73 KB of
// ONNX Runtime instead of 191 KB, and reads its first message ~50 ms sooner.
exposeEngine(new ClassifierEngine(browserPlatform({ wasm: () => import('onnxruntime-web/wasm') })));
