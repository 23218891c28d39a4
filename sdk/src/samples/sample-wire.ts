/**
 * The wire format of POST /v1/samples, shared by the edge (which validates it) and the SDK's
 * SampleUploader (which produces it). Pure: no bindings, no DOM.
 */

/** At most this many samples per request; more is a 413. */
export const MAX_SAMPLES_PER_REQUEST = 256;
/** Request bodies beyond 1 MiB are refused with a 413 (256 samples take about 300 KB). */
export const MAX_SAMPLES_BODY_BYTES = 1024 * 1024;
/** A sample's pixels: 28x28 uint8, white digit on black, as the model's input scaled by 255. */
export const SAMPLE_PIXEL_BYTES = 784;
/** End-user ids are app-chosen strings; the edge stores only a hash of them. */
export const MAX_USER_ID_LENGTH = 256;

/** A UUID, or 16-64 URL-safe characters: random enough to be chosen by the client. */
const SAMPLE_ID = /^[A-Za-z0-9_-]{16,64}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isSampleId = (value: string): boolean => SAMPLE_ID.test(value) || UUID.test(value);

export interface SampleWire {
  readonly id: string;
  readonly model: string;
  readonly version?: string;
  readonly label: string;
  /** base64 of SAMPLE_PIXEL_BYTES bytes. */
  readonly pixels: string;
  readonly user?: string;
}

export interface SamplesRequest {
  readonly samples: readonly SampleWire[];
}

export interface SampleRejection {
  /** The sample's index in the request. */
  readonly index: number;
  readonly id?: string;
  readonly code: string;
  readonly reason: string;
}

/** The answer to POST /v1/samples: every sample is in exactly one of the three. */
export interface SamplesResponse {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly SampleRejection[];
}
