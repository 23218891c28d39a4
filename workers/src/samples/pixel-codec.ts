/**
 * A sample's 784 pixel bytes between the wire (base64), D1 (a BLOB, sent as hex inside one JSON
 * parameter) and the export (base64). Loops over typed arrays: a map callback per character
 * (Uint8Array.from(text, fn)) or string concatenation per byte costs ~20x more per batch of 256.
 */

/** Bytes of a base64 text already checked by the caller's pattern (length and alphabet). */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x2000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(binary);
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const ascii = new TextDecoder();

/** Lower-case hex, as SQLite's unhex() reads it. */
export function encodeHex(bytes: Uint8Array): string {
  const text = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    text[2 * i] = HEX_DIGITS[byte >> 4]!;
    text[2 * i + 1] = HEX_DIGITS[byte & 15]!;
  }
  return ascii.decode(text);
}
