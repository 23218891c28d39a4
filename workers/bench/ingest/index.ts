import { INSERT_SAMPLES_SQL } from '../../src/samples/sample-insert.ts';

/*
 * The floor for POST /v1/samples: the edge's one INSERT statement, bound to rows the bench has
 * already prepared the way the edge prepares them after its checks. No key, rate limit, JSON
 * parse, validation or hashing: what is left is wrangler dev's proxy, the body and local D1.
 */

interface Env {
  readonly SAMPLES: D1Database;
}

export default {
  async fetch(request, env) {
    // Anything but a POST is the bench's readiness probe.
    if (request.method !== 'POST') return new Response('ok');
    const app = new URL(request.url).searchParams.get('app') ?? '';
    const { results } = await env.SAMPLES.prepare(INSERT_SAMPLES_SQL).bind(app, Date.now(), await request.text()).all<{ id: string }>();
    return Response.json({ accepted: results.length });
  },
} satisfies ExportedHandler<Env>;
