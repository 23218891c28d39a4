import { Hono, type Context } from 'hono';
import type { Env } from '../env.ts';
import { ErrorCodes } from '../../../sdk/src/errors.ts';
import { toErrorBody } from '../../../sdk/src/error-wire.ts';
import { notFound } from '../http/api-error.ts';
import { withdrawnBody } from '../http/withdrawn-body.ts';
import { matchesEtag, parseByteRange, type ByteRange } from '../http/byte-range.ts';
import { fileKey, isFileName, isModelName, isVersion, MANIFEST_FILE } from '../store/model-keys.ts';
import { storeOf } from '../store/store-of.ts';

/** A published version's files never change: cache them for a year, revalidate never. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The "latest" redirect moves when a version is published; caches may keep it a minute. */
const SHORT = 'public, max-age=60';
/** A version's manifest never changes, but the version can be withdrawn: revalidate (ETag) on every use. */
const REVALIDATE = 'public, no-cache';

export const fileRoutes = new Hono<{ Bindings: Env }>();

fileRoutes.get('/v1/models/:name/manifest.json', async (c) => {
  const name = c.req.param('name');
  if (!isModelName(name)) throw notFound(`No model named "${name}" is published; GET /v1/models lists the models.`);
  const version = await storeOf(c.env).latestVersion(name);
  const target = new URL(`/v1/models/${name}/${version}/${MANIFEST_FILE}`, c.req.url);
  c.header('Cache-Control', SHORT);
  return c.redirect(target.href, 302);
});

// Hono routes HEAD to GET handlers; the handler still avoids reading the body for HEAD.
fileRoutes.get('/v1/models/:name/:version/:file', async (c) => {
  const { name, version, file } = c.req.param();
  if (!isModelName(name) || !isVersion(version) || !isFileName(file)) {
    throw notFound(`No file ${name}/${version}/${file} is published; GET /v1/models lists models and versions.`);
  }
  const store = storeOf(c.env);
  const published = await store.version(name, version);
  if (file === MANIFEST_FILE) {
    const withdrawal = (await store.withdrawals(name)).get(version);
    if (withdrawal) return c.json(await withdrawnBody(store, name, version, withdrawal), 410, { 'Cache-Control': 'no-store' });
    const bytes = published.manifestBytes;
    const entity = { etag: quote(published.manifestSha256), size: bytes.byteLength, type: 'application/json', cacheControl: REVALIDATE };
    return serve(c, entity, (range) =>
      Promise.resolve(range ? bytes.slice(range.start, range.end + 1) : bytes),
    );
  }
  const digest = published.manifest.files[file];
  if (!digest) {
    throw notFound(`${name}@${version} has no file "${file}"; its manifest lists: ${Object.keys(published.manifest.files).join(', ')}.`);
  }
  const key = fileKey(name, version, file);
  return serve(c, { etag: quote(digest.sha256), size: digest.bytes, type: 'application/octet-stream' }, async (range) => {
    const object = await c.env.MODELS.get(key, range ? { range: { offset: range.start, length: range.end - range.start + 1 } } : {});
    if (!object) throw notFound(`${name}@${version} lists "${file}" but the file is missing from storage; re-publish the version.`);
    return object.body;
  });
});

interface Entity {
  readonly etag: string;
  readonly size: number;
  readonly type: string;
  /** Default: immutable. */
  readonly cacheControl?: string;
}

/** Conditional, ranged and HEAD responses for one immutable entity. */
async function serve(
  c: Context<{ Bindings: Env }>,
  entity: Entity,
  read: (range: ByteRange | undefined) => Promise<BodyInit>,
): Promise<Response> {
  const headers = new Headers({ ETag: entity.etag, 'Cache-Control': entity.cacheControl ?? IMMUTABLE, 'Accept-Ranges': 'bytes' });
  if (matchesEtag(c.req.header('If-None-Match') ?? null, entity.etag)) return respond(c, null, 304, headers);
  const ifRange = c.req.header('If-Range');
  const range = ifRange !== undefined && ifRange !== entity.etag ? undefined : parseByteRange(c.req.header('Range') ?? null, entity.size);
  headers.set('Content-Type', entity.type);
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${entity.size}`);
    headers.set('Content-Type', 'application/json');
    const body = JSON.stringify(toErrorBody(ErrorCodes.INPUT_RANGE, `The Range ${c.req.header('Range')} lies outside the file's ${entity.size} bytes.`));
    return respond(c, body, 416, headers);
  }
  const length = range ? range.end - range.start + 1 : entity.size;
  headers.set('Content-Length', String(length));
  if (range) headers.set('Content-Range', `bytes ${range.start}-${range.end}/${entity.size}`);
  const status = range ? 206 : 200;
  if (c.req.method === 'HEAD') return respond(c, null, status, headers);
  return respond(c, await read(range), status, headers);
}

/** A Response carrying the headers middleware already set on the context (CORS among them). */
function respond(c: Context, body: BodyInit | null, status: number, headers: Headers): Response {
  for (const [key, value] of headers) c.header(key, value);
  return c.body(body as never, status as never);
}

function quote(hash: string): string {
  return `"${hash}"`;
}
