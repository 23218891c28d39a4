import { app } from './app.ts';
import type { Env } from './env.ts';

export default app satisfies ExportedHandler<Env>;
