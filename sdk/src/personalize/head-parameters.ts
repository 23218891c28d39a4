/** The trainable head's parameters by name (e.g. head.0.weight [F,10], head.0.bias [10]). */
export type HeadParameters = Map<string, Float32Array>;

export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export function cloneParameters(parameters: HeadParameters): HeadParameters {
  return new Map([...parameters].map(([name, data]) => [name, data.slice()]));
}

export function zerosLike(parameters: HeadParameters): HeadParameters {
  return new Map([...parameters].map(([name, data]) => [name, new Float32Array(data.length)]));
}
