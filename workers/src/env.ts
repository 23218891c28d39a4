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
  /** Per app key: requests to the samples routes (wrangler.toml [[ratelimits]]). */
  readonly SAMPLES_RATE_LIMIT: RateLimit;
  /** The admin key (a Worker secret; `.dev.vars` locally) for GET /v1/samples/export. */
  readonly ADMIN_KEY?: string;
  /**
   * Local development only (`npm start` sets it): an app key the demo page may use to share
   * samples, handed out by GET /v1/demo/config. Never set it in a deployment.
   */
  readonly DEMO_APP_KEY?: string;
  /** Seconds a "latest" pointer is trusted per isolate before R2 is read again (default 5). */
  readonly LATEST_TTL_SECONDS?: string;
}
