// The bindings and main module that tests see through `cloudflare:workers`.
import type { Env as EdgeEnv } from '../../workers/src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      /** workers/migrations, read by vitest.config.ts for applyD1Migrations. */
      readonly TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import('../../workers/src/index.ts');
    }
  }
}
