import { PIXELS, type MnistSplit } from '../data/mnist.ts';
import { renderShifted } from '../personalization-eval/shifted-domain.ts';
import { SHIFTED_STYLE } from '../personalization-eval/writing-style.ts';
import { createRandom } from '../train/random.ts';

/** The training split's last 5,000 images: held out from training, used only to pick the epoch. */
export const UNSEEN_TRAIN_START = 55_000;

export interface ShiftedSampleOptions {
  readonly count: number;
  /** Offset into the unseen images, so two sets can be disjoint. */
  readonly offset?: number;
  readonly seed?: number;
  /** Fraction of samples given a wrong label (a deliberately poisoned set). */
  readonly labelNoise?: number;
}

/**
 * Samples "from devices" in one consistent shifted hand (bold, italic, small, shaky, noisy) as
 * uint8 pixels: MNIST training images the committed checkpoints never trained on, re-rendered
 * deterministically. Not the test images, which the retrain gate measures.
 */
export function shiftedSamples(train: MnistSplit, options: ShiftedSampleOptions): MnistSplit {
  const { count, offset = 0, seed = 1, labelNoise = 0 } = options;
  const start = UNSEEN_TRAIN_START + offset;
  if (start + count > train.count) throw new RangeError(`only ${train.count - UNSEEN_TRAIN_START - offset} unseen images from offset ${offset}, asked for ${count}`);
  const rendered = renderShifted({ split: train, stream: 2, start, count }, SHIFTED_STYLE, seed);
  const images = new Uint8Array(count * PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = Math.round(rendered.pixels[i]! * 255);
  const labels = Uint8Array.from(rendered.labels);
  const random = createRandom(seed ^ 0x5bd1e995);
  for (let i = 0; i < count; i++) {
    if (random() < labelNoise) labels[i] = (labels[i]! + 1 + Math.floor(random() * 9)) % 10;
  }
  return { images, labels, count };
}
