// wrangler's Data rule in this directory's wrangler.toml: importing a .onnx file yields its bytes.
declare module '*.onnx' {
  const bytes: ArrayBuffer;
  export default bytes;
}
