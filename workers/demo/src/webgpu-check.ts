/** True when this browser offers no WebGPU adapter (the SDK then runs the model on WASM). */
export async function webGpuMissing(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (gpu === undefined) return true;
  try {
    return (await gpu.requestAdapter()) === null;
  } catch {
    return true;
  }
}
