/**
 * Backbone features by image content, so repeated personalize calls on the same samples (or a
 * replay set) run model.onnx once per image. Keyed by two independent 32-bit FNV-1a hashes of
 * the pixel bytes; least recently used entries go first.
 */
export class FeatureCache {
  readonly #entries = new Map<string, Float32Array>();

  constructor(private readonly capacity = 20_000) {}

  static keyOf(pixels: Float32Array): string {
    const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < bytes.length; i++) {
      a = Math.imul(a ^ bytes[i]!, 0x01000193);
      b = Math.imul(b ^ bytes[i]!, 0x5bd1e995);
    }
    return `${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}:${bytes.length}`;
  }

  get(key: string): Float32Array | undefined {
    const value = this.#entries.get(key);
    if (value) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, features: Float32Array): void {
    this.#entries.delete(key);
    this.#entries.set(key, features);
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  clear(): void {
    this.#entries.clear();
  }
}
