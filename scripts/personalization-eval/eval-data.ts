/**
 * Every image set of the evaluation, cut from MNIST so that none overlaps another:
 *   MNIST train: [pool | shifted validation | replay pool | ... | MNIST validation (the tail)]
 *   MNIST test:  shifted test = the first images re-rendered; MNIST test = the originals.
 * The tail of MNIST train is the training script's held-out validation split, so forgetting is
 * tuned on digits the backbone's weights never fitted.
 */
import type { MnistSplit } from '../data/mnist.ts';
import type { SplitSizes } from './eval-plan.ts';
import type { LabelledImages } from './labelled-images.ts';
import { originalImages, renderShifted } from './shifted-domain.ts';
import type { WritingStyle } from './writing-style.ts';

export interface EvaluationImages {
  readonly pool: LabelledImages;
  readonly shiftedValidation: LabelledImages;
  readonly shiftedTest: LabelledImages;
  readonly mnistTest: LabelledImages;
  readonly mnistValidation: LabelledImages;
  readonly replayPool: LabelledImages;
}

export type ImageSetName = keyof EvaluationImages;

const TRAIN_STREAM = 0;
const TEST_STREAM = 1;

export function buildEvaluationImages(
  train: MnistSplit,
  test: MnistSplit,
  sizes: SplitSizes,
  style: WritingStyle,
  domainSeed: number,
): EvaluationImages {
  const replayStart = sizes.pool + sizes.shiftedValidation;
  const validationStart = train.count - sizes.mnistValidation;
  if (replayStart + sizes.replayPool > validationStart) {
    throw new RangeError(
      `MNIST train has ${train.count} images, fewer than pool + shifted validation + replay pool + MNIST validation ` +
        `(${replayStart + sizes.replayPool + sizes.mnistValidation}); lower the sizes`,
    );
  }
  const trainRange = (start: number, count: number) => ({ split: train, stream: TRAIN_STREAM, start, count });
  const testRange = (count: number) => ({ split: test, stream: TEST_STREAM, start: 0, count });
  return {
    pool: renderShifted(trainRange(0, sizes.pool), style, domainSeed),
    shiftedValidation: renderShifted(trainRange(sizes.pool, sizes.shiftedValidation), style, domainSeed),
    shiftedTest: renderShifted(testRange(sizes.shiftedTest), style, domainSeed),
    mnistTest: originalImages(testRange(sizes.mnistTest)),
    mnistValidation: originalImages(trainRange(validationStart, sizes.mnistValidation)),
    replayPool: originalImages(trainRange(replayStart, sizes.replayPool)),
  };
}
