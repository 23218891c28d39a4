// wrangler's default CompiledWasm rule: importing a .wasm file yields a compiled module.
declare module '*.wasm' {
  const compiled: WebAssembly.Module;
  export default compiled;
}
