// The bindings and main module that tests see through `cloudflare:workers`.
import type { Env as EdgeEnv } from '../../workers/src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {}
    interface GlobalProps {
      mainModule: typeof import('../../workers/src/index.ts');
    }
  }
}
