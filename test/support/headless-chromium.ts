/** Debian's `chromium` package; `.ci/run` installs it when missing. */
export const CHROMIUM_EXECUTABLE = process.env.EDGETUNE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags measured on the CI box (see DESIGN.md): no sandbox as root in a container, no network
 * chatter, and WebGPU through SwiftShader (CPU-emulated: correct, not fast) despite --disable-gpu.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];
