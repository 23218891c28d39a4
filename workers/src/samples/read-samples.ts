import * as v from 'valibot';
import { sha256Hex } from '../../../sdk/src/loading/bytes.ts';
import { ErrorCodes, InputRangeError } from '../../../sdk/src/errors.ts';
import { toModelInput } from '../../../sdk/src/input/to-model-input.ts';
import {
  isSampleId,
  MAX_SAMPLES_PER_REQUEST,
  MAX_USER_ID_LENGTH,
  SAMPLE_PIXEL_BYTES,
  type SampleRejection,
} from '../../../sdk/src/samples/sample-wire.ts';
import { ApiError } from '../http/api-error.ts';
import { isModelName, isVersion } from '../store/model-keys.ts';
import type { ModelStore } from '../store/model-store.ts';
import { decodeBase64 } from './pixel-codec.ts';
import type { SampleRow } from './sample-insert.ts';

/**
 * A sample that passed every check, ready to store. Its version is the one the label was checked
 * against (the latest when the client sent none).
 */
export interface CheckedSample extends SampleRow {
  readonly index: number;
}

const Envelope = v.object({ samples: v.array(v.unknown()) });
const Sample = v.object({
  id: v.string(),
  model: v.string(),
  version: v.optional(v.string()),
  label: v.string(),
  pixels: v.string(),
  user: v.optional(v.string()),
});

/** base64 of exactly 784 bytes: 261 full groups, then one byte as two characters and "==". */
const PIXELS_BASE64 = /^[A-Za-z0-9+/]{1045}[AQgw]==$/;

/** Per request: each model's labels resolved once, each end user hashed once. */
interface RequestLookups {
  labels(model: string, version: string | undefined): Promise<{ readonly version: string; readonly labels: readonly string[] }>;
  userHash(user: string): Promise<string>;
}

function requestLookups(appId: string, store: ModelStore): RequestLookups {
  const labelSets = new Map<string, Promise<{ version: string; labels: readonly string[] }>>();
  const userHashes = new Map<string, Promise<string>>();
  return {
    labels(model, version) {
      const key = `${model}\n${version ?? ''}`;
      let found = labelSets.get(key);
      if (found === undefined) {
        found = (async () => {
          const resolved = version ?? (await store.latestVersion(model));
          return { version: resolved, labels: (await store.version(model, resolved)).manifest.labels };
        })();
        labelSets.set(key, found);
      }
      return found;
    },
    userHash(user) {
      let hash = userHashes.get(user);
      if (hash === undefined) userHashes.set(user, (hash = hashUser(appId, user)));
      return hash;
    },
  };
}

/** The request's samples, each checked on its own: the valid ones and why the others were refused. */
export async function readSamples(
  body: unknown,
  appId: string,
  store: ModelStore,
): Promise<{ valid: CheckedSample[]; rejected: SampleRejection[] }> {
  const envelope = v.safeParse(Envelope, body);
  if (!envelope.success) throw new ApiError(400, ErrorCodes.INPUT_TYPE, 'The body must be JSON { "samples": [ { id, model, version?, label, pixels, user? }, ... ] }.');
  const items = envelope.output.samples;
  if (items.length === 0) throw new ApiError(400, ErrorCodes.INPUT_RANGE, 'samples is empty; send 1 to 256 samples per request.');
  if (items.length > MAX_SAMPLES_PER_REQUEST) {
    throw new ApiError(413, ErrorCodes.INPUT_RANGE, `${items.length} samples in one request; send at most ${MAX_SAMPLES_PER_REQUEST} per request.`);
  }
  const lookups = requestLookups(appId, store);
  const outcomes = await Promise.all(items.map((item, index) => checkSample(item, index, lookups)));
  const valid: CheckedSample[] = [];
  const rejected: SampleRejection[] = [];
  for (const outcome of outcomes) {
    if ('reason' in outcome) rejected.push(outcome);
    else valid.push(outcome);
  }
  return { valid, rejected };
}

async function checkSample(item: unknown, index: number, lookups: RequestLookups): Promise<CheckedSample | SampleRejection> {
  const parsed = v.safeParse(Sample, item);
  const id = typeof (item as { id?: unknown } | null)?.id === 'string' ? String((item as { id: string }).id).slice(0, 64) : undefined;
  const reject = (code: string, reason: string): SampleRejection => ({ index, ...(id !== undefined && isSampleId(id) ? { id } : {}), code, reason });
  if (!parsed.success) {
    const field = parsed.issues[0]?.path?.map((step) => String(step.key)).join('.') ?? 'sample';
    return reject(ErrorCodes.INPUT_TYPE, `samples[${index}].${field} is missing or not a string; a sample is { id, model, version?, label, pixels, user? }.`);
  }
  const sample = parsed.output;
  if (!isSampleId(sample.id)) return reject(ErrorCodes.INPUT_RANGE, `samples[${index}].id must be a UUID or 16-64 characters of A-Z a-z 0-9 _ -.`);
  if (!isModelName(sample.model)) return reject(ErrorCodes.NOT_FOUND, `samples[${index}].model is not a model name; GET /v1/models lists the models.`);
  if (sample.version !== undefined && !isVersion(sample.version)) {
    return reject(ErrorCodes.NOT_FOUND, `samples[${index}].version is not a version such as 1.0.0; GET /v1/models lists the versions.`);
  }
  if (!PIXELS_BASE64.test(sample.pixels)) {
    return reject(ErrorCodes.INPUT_RANGE, `samples[${index}].pixels must be base64 (with padding) of exactly ${SAMPLE_PIXEL_BYTES} bytes: 28x28 uint8.`);
  }
  const pixels = decodeBase64(sample.pixels);
  const blank = blankImage(pixels, `samples[${index}].pixels`);
  if (blank !== undefined) return reject(ErrorCodes.INPUT_RANGE, blank);
  if (sample.user !== undefined && (sample.user.length === 0 || sample.user.length > MAX_USER_ID_LENGTH)) {
    return reject(ErrorCodes.INPUT_RANGE, `samples[${index}].user must be 1-${MAX_USER_ID_LENGTH} characters when given.`);
  }
  let version: string;
  let labels: readonly string[];
  try {
    ({ version, labels } = await lookups.labels(sample.model, sample.version));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return reject(ErrorCodes.NOT_FOUND, `samples[${index}]: ${error.message}`);
    throw error;
  }
  if (!labels.includes(sample.label)) {
    return reject(ErrorCodes.INPUT_RANGE, `samples[${index}].label must be one of the labels of ${sample.model}@${version}: ${labels.join(', ')}.`);
  }
  const userHash = sample.user === undefined ? null : await lookups.userHash(sample.user);
  const contentHash = await sha256Hex(new TextEncoder().encode([sample.model, sample.version ?? '', sample.label, userHash ?? '', sample.pixels].join('\n')));
  return { index, id: sample.id, model: sample.model, version, label: sample.label, pixels, userHash, contentHash };
}

/** The SDK's rule for model-ready bytes: an image with no ink (all one shade) is refused, with its message. */
function blankImage(pixels: Uint8Array, name: string): string | undefined {
  try {
    toModelInput(pixels, name);
    return undefined;
  } catch (error) {
    if (error instanceof InputRangeError) return `${error.message}; a sample shows a digit, white on black.`;
    throw error;
  }
}

/** End-user ids are stored only hashed, salted with the app so two apps' hashes never match. */
export function hashUser(appId: string, user: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(`${appId}\n${user}`));
}
