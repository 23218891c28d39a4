/**
 * How much each ingredient of a style costs the pretrained model on its own: the style with
 * everything but one ingredient neutral. Cheap (features and one head pass), and it shows the
 * domain shift is not a single trick the backbone happens to be blind to.
 */
import type { MnistSplit } from '../data/mnist.ts';
import { featuresOf } from './feature-set.ts';
import { headAccuracy } from './head-accuracy.ts';
import type { HeadVariant } from './head-variant.ts';
import { renderShifted } from './shifted-domain.ts';
import type { WritingStyle } from './writing-style.ts';

export interface AblationRow {
  readonly ingredient: string;
  readonly accuracy: number;
}

const NEUTRAL: Omit<WritingStyle, 'name'> = { slant: 0, scale: 1, offset: [0, 0], strokeRadius: 0, elasticity: 0, elasticSmoothing: 1, noise: 0 };

export function singleIngredientStyles(style: WritingStyle): WritingStyle[] {
  const only = (ingredient: string, change: Partial<WritingStyle>): WritingStyle => ({ ...NEUTRAL, ...change, name: ingredient });
  return [
    only(`slant ${style.slant}`, { slant: style.slant }),
    only(`scale ${style.scale}`, { scale: style.scale }),
    only(`offset (${style.offset.join(', ')})`, { offset: style.offset }),
    only(`strokes +${style.strokeRadius} px`, { strokeRadius: style.strokeRadius }),
    only(`elastic ${style.elasticity} px`, { elasticity: style.elasticity, elasticSmoothing: style.elasticSmoothing }),
    only(`noise ${style.noise}`, { noise: style.noise }),
  ];
}

export async function styleAblation(variant: HeadVariant, test: MnistSplit, count: number, style: WritingStyle, seed: number): Promise<AblationRow[]> {
  const rows: AblationRow[] = [];
  for (const single of singleIngredientStyles(style)) {
    const images = renderShifted({ split: test, stream: 1, start: 0, count }, single, seed);
    const set = await featuresOf(variant, images);
    rows.push({ ingredient: single.name, accuracy: await headAccuracy(variant.runner, set, variant.pretrained, variant.featureSize) });
  }
  return rows;
}
