import { EdgetuneError, ErrorCodes } from '../errors.ts';
import { backendUnavailable } from './backend-error.ts';
import { CPU_RUN_CHUNK, type OrtModule, type RuntimeSelector } from './ort-types.ts';

/** The one module that picks the ONNX Runtime build in Node: onnxruntime-node's CPU provider. */
export const selectNodeRuntime: RuntimeSelector = async (request, threads) => {
  if (request === 'webgpu' || request === 'wasm') {
    throw backendUnavailable(request, ['cpu'], 'in Node (onnxruntime-node runs on the CPU)');
  }
  let ort: OrtModule;
  try {
    ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  } catch (cause) {
    throw new EdgetuneError(
      ErrorCodes.BACKEND_UNAVAILABLE,
      'onnxruntime-node is not installed; in Node the SDK needs it: `npm install onnxruntime-node@1.30` ' +
        '(offline: ONNXRUNTIME_NODE_INSTALL=skip, the CPU provider ships in the package)',
      { cause },
    );
  }
  return {
    ort,
    backend: 'cpu',
    threads: threads ?? 0,
    sessionOptions: {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // 0 lets ONNX Runtime use every core.
      ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    },
    runChunk: CPU_RUN_CHUNK,
    description: `onnxruntime-node ${ort.env.versions.node ?? ''} (cpu, ${threads ? `${threads} thread${threads === 1 ? '' : 's'}` : 'all cores'})`,
  };
};
