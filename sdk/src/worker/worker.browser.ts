/// <reference lib="webworker" />
import { ClassifierEngine } from '../engine/classifier-engine.ts';
import { browserPlatform } from '../engine/platform.browser.ts';
import { exposeEngine } from './expose-engine.ts';

// The worker for backend 'webgpu', and 'auto' where the browser has WebGPU: both builds, the
// WASM one for when no adapter is granted.
exposeEngine(
  new ClassifierEngine(
    browserPlatform({
      wasm: () => import('onnxruntime-web/wasm'),
      webgpu: () => import('onnxruntime-web/webgpu'),
    }),
  ),
);
