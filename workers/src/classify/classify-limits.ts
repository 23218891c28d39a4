/** Per-request bounds of POST .../classify; beyond them the answer is a 413. */
export const MAX_IMAGES = 64;
/** 1 MiB: room for 64 JSON images at full float precision. */
export const MAX_BODY_BYTES = 1024 * 1024;
