/** The few bucket operations publishing needs; R2 bindings and the wrangler CLI both provide them. */
export interface ObjectStore {
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

/** The part of an R2 bucket binding used here (typed structurally: Node has no Workers types). */
export interface BucketLike {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  put(key: string, value: ArrayBuffer, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
}

/** An ObjectStore over an R2 bucket binding (local through wrangler's platform proxy, or in workerd). */
export function r2ObjectStore(bucket: BucketLike): ObjectStore {
  return {
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
    },
    async put(key, bytes, contentType) {
      // A copy in a plain ArrayBuffer: the platform proxy cannot serialize Node's pooled Buffers.
      await bucket.put(key, bytes.slice().buffer as ArrayBuffer, { httpMetadata: { contentType } });
    },
  };
}
