import { IMAGE_SIZE } from '../data/mnist.ts';

const RAMP = ' .:-=+*#%@';

/** A 28x28 image in [0,1] as text, two characters per pixel so the aspect ratio survives a terminal. */
export function asciiArt(image: Float32Array, offset = 0): string[] {
  const lines: string[] = [];
  for (let y = 0; y < IMAGE_SIZE; y++) {
    let line = '';
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const value = Math.min(1, Math.max(0, image[offset + y * IMAGE_SIZE + x]!));
      const char = RAMP[Math.min(RAMP.length - 1, Math.floor(value * RAMP.length))]!;
      line += char + char;
    }
    lines.push(line);
  }
  return lines;
}

/** Several images side by side, each with a caption line above it. */
export function asciiRow(images: { image: Float32Array; offset?: number; caption: string }[]): string {
  const arts = images.map(({ image, offset }) => asciiArt(image, offset));
  const width = IMAGE_SIZE * 2;
  const header = images.map(({ caption }) => caption.slice(0, width).padEnd(width)).join('  ');
  const rows = Array.from({ length: IMAGE_SIZE }, (_, y) => arts.map((art) => art[y]).join('  '));
  return [header, ...rows].join('\n');
}
