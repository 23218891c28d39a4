import { backendUnavailable } from './backend-error.ts';
import { CPU_RUN_CHUNK, type OrtModule, type Runtime, type RuntimeSelector, type SessionOptions } from './ort-types.ts';
import { warmUpModel } from './warm-up-model.ts';

/*
 * The one module that picks the ONNX Runtime build in the browser and maps a backend to its
 * execution provider. Each build is imported only when chosen: the WebGPU build ships a 28 MB
 * wasm, the plain WASM build 14 MB.
 */

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
  hardwareConcurrency?: number;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as GpuNavigator | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

function defaultThreads(): number {
  // Threads need SharedArrayBuffer, i.e. a crossOriginIsolated page (COOP/COEP headers).
  if (!(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) return 1;
  const cores = (globalThis.navigator as GpuNavigator | undefined)?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

export const selectBrowserRuntime: RuntimeSelector = async (request, threads) => {
  // Asking for an adapter can take a while (it starts the GPU process), so only when it matters.
  const webgpu = request === 'wasm' ? false : await hasWebGpuAdapter();
  const available = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  if (request === 'cpu') throw backendUnavailable(request, available, 'in the browser ("cpu" is the Node backend)');
  if (request === 'webgpu' && !webgpu) {
    throw backendUnavailable(request, available, 'in this browser: navigator.gpu gave no adapter');
  }
  const backend = request === 'auto' ? (webgpu ? 'webgpu' : 'wasm') : request;
  const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const numThreads = isolated ? (threads ?? defaultThreads()) : 1;
  const ort = (backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as unknown as OrtModule;
  ort.env.wasm.numThreads = numThreads;
  ort.env.logLevel = 'error';
  const sessionOptions: SessionOptions = { executionProviders: [backend], graphOptimizationLevel: 'all' };
  return {
    ort,
    backend,
    threads: numThreads,
    sessionOptions,
    // A GPU wants the whole batch in one dispatch.
    runChunk: backend === 'webgpu' ? undefined : CPU_RUN_CHUNK,
    warmUp: async () => {
      const session = await ort.InferenceSession.create(warmUpModel(), sessionOptions);
      await session.release();
    },
    description: `onnxruntime-web ${ort.env.versions.web ?? ''} (${backend}, ${numThreads} thread${numThreads === 1 ? '' : 's'})`,
  };
};
