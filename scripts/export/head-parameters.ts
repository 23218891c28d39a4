/**
 * Names and values of the trainable head parameters: `head.<i>.weight` [in, out] and
 * `head.<i>.bias` [out] for the i-th head Dense layer, in that order.
 */
import type { HeadDense, HeadSpec } from './extract-head.ts';

export interface HeadParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export const weightName = (layerIndex: number): string => `head.${layerIndex}.weight`;
export const biasName = (layerIndex: number): string => `head.${layerIndex}.bias`;

export function headDenseLayers(head: HeadSpec): HeadDense[] {
  return head.ops.filter((op): op is HeadDense => op.kind === 'dense');
}

export function headParameters(head: HeadSpec): HeadParameter[] {
  return headDenseLayers(head).flatMap((dense, i) => [
    { name: weightName(i), shape: [dense.inUnits, dense.outUnits], data: dense.weight },
    { name: biasName(i), shape: [dense.outUnits], data: dense.bias },
  ]);
}
