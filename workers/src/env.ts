/** The Worker's bindings and vars, as declared in wrangler.toml. */
export interface Env {
  /** Published checkpoints: `models/<name>/<version>/<file>` and `models/<name>/latest.json`. */
  readonly MODELS: R2Bucket;
  /** Labelled samples (filled by the samples routes). */
  readonly SAMPLES: D1Database;
  /** The demo page and other static files. */
  readonly ASSETS: Fetcher;
  /** Origins allowed by CORS: `*`, or a comma-separated list of exact origins. */
  readonly ALLOWED_ORIGINS?: string;
  /** Seconds a "latest" pointer is trusted per isolate before R2 is read again (default 5). */
  readonly LATEST_TTL_SECONDS?: string;
}
