import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { warmUpModel } from '../../sdk/src/engine/warm-up-model.ts';
import { OnnxGraphBuilder } from './onnx-graph-builder.ts';

describe('the SDK’s warm-up model', () => {
  it('is exactly what the exporter’s graph builder writes for Identity on a float[1]', () => {
    const builder = new OnnxGraphBuilder('warm_up');
    builder.op('Identity', [builder.addInput('x', 'float32', [1])], {}, 'y');
    builder.addOutput('y', 'float32', [1]);
    expect(Array.from(warmUpModel())).toEqual(Array.from(builder.toBytes()));
  });

  it('loads and runs in ONNX Runtime', async () => {
    const session = await ort.InferenceSession.create(warmUpModel());
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(0.5), [1]) });
    expect(Array.from(y!.data as Float32Array)).toEqual([0.5]);
    await session.release();
  });
});
