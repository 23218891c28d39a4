/** Where the cross-origin page puts its check once its module has loaded. */
export const CROSS_ORIGIN_GLOBAL = 'edgetuneCrossOrigin';

export interface CrossOriginRequest {
  /** The edge's origin, e.g. http://127.0.0.1:8787 (another port than the page's). */
  readonly edge: string;
  readonly model: string;
  /** One MNIST image, 784 bytes 0-255. */
  readonly image: readonly number[];
}

/** Plain data: it crosses page.evaluate as JSON. */
export interface CrossOriginResult {
  readonly crossOriginIsolated: boolean;
  readonly version: string;
  readonly loadedFrom: string;
  /** The class index the page's local (worker) classifier gave, and the edge client's. */
  readonly index: number;
  readonly edgeIndex: number;
  readonly edgeVersion: string;
  /** Whether a no-cors fetch of a model file (as an <img> or prefetch makes) got through COEP. */
  readonly noCorsFetch: 'ok' | string;
}
