/**
 * Thicker strokes: grey-level dilation (each pixel becomes the brightest pixel within `radius`),
 * which widens a stroke by about 2 * radius pixels and keeps its anti-aliased edge.
 */
export function greyDilation(image: Float32Array, size: number, radius: number): Float32Array {
  if (radius <= 0) return image.slice();
  const reach = Math.floor(radius);
  const offsets: [number, number][] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) if (dx * dx + dy * dy <= radius * radius + 1e-9) offsets.push([dx, dy]);
  }
  const out = new Float32Array(image.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let max = 0;
      for (const [dx, dy] of offsets) {
        const xi = x + dx;
        const yi = y + dy;
        if (xi >= 0 && yi >= 0 && xi < size && yi < size) max = Math.max(max, image[yi * size + xi]!);
      }
      out[y * size + x] = max;
    }
  }
  return out;
}
