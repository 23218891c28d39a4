/**
 * A small deterministic builder for ONNX graphs (IR version 8, opset 17) on top of onnx-proto.
 * Node and constant names come from counters and values, never from clocks or layer names,
 * so the same weights always encode to the same bytes.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

// onnx-proto is CommonJS: its namespace arrives as the default export.
const proto = onnxProto.onnx;

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;
/** Symbolic name of the dynamic batch dimension in every exported graph. */
export const BATCH_DIM = 'N';

export type ElementType = 'float32' | 'int64' | 'bool';
/** A string dimension is symbolic (e.g. the batch dimension "N"). */
export type Dim = number | string;

export type AttributeValue =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly graph: onnx.IGraphProto };

export const int = (value: number): AttributeValue => ({ int: value });
export const ints = (values: readonly number[]): AttributeValue => ({ ints: values });
export const float = (value: number): AttributeValue => ({ float: value });

const DATA_TYPE: Record<ElementType, number> = {
  float32: proto.TensorProto.DataType.FLOAT,
  int64: proto.TensorProto.DataType.INT64,
  bool: proto.TensorProto.DataType.BOOL,
};

/** ONNX TensorProto data type code for an element type (Cast's `to` attribute). */
export function onnxDataType(type: ElementType): number {
  return DATA_TYPE[type];
}

export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly usedNames = new Set<string>();
  private readonly constantsByKey = new Map<string, string>();
  private nodeCounter = 0;

  /** `namePrefix` keeps a subgraph's generated names apart from its outer graph's (ONNX forbids shadowing). */
  constructor(
    private readonly graphName: string,
    private readonly namePrefix = '',
  ) {}

  addInput(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  addOutput(name: string, type: ElementType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  addFloatInitializer(name: string, data: Float32Array, dims: readonly number[]): string {
    assertElementCount(name, data.length, dims);
    this.claim(name);
    this.initializers.push({
      name,
      dataType: DATA_TYPE.float32,
      dims: [...dims],
      rawData: littleEndianBytes(data),
    });
    return name;
  }

  addInt64Initializer(name: string, values: readonly number[], dims: readonly number[]): string {
    assertElementCount(name, values.length, dims);
    this.claim(name);
    this.initializers.push({
      name,
      dataType: DATA_TYPE.int64,
      dims: [...dims],
      rawData: littleEndianBytes(BigInt64Array.from(values, (v) => BigInt(v))),
    });
    return name;
  }

  /** A shared float constant; equal values reuse one initializer. */
  constFloat(values: number | readonly number[], dims: readonly number[] = []): string {
    const list = typeof values === 'number' ? [values] : [...values];
    const key = `f|${dims.join('x')}|${list.join(',')}`;
    return this.constant(key, () => this.addFloatInitializer(this.freshName('const'), Float32Array.from(list), dims));
  }

  /** A shared int64 constant (axes, shapes), 1-D unless dims say otherwise. */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i|${dims.join('x')}|${values.join(',')}`;
    return this.constant(key, () => this.addInt64Initializer(this.freshName('const'), values, dims));
  }

  /** A boolean scalar constant (e.g. a Loop's initial condition). */
  constBool(value: boolean): string {
    return this.constant(`b|${value}`, () => {
      const name = this.claim(this.freshName('const'));
      this.initializers.push({ name, dataType: DATA_TYPE.bool, dims: [], rawData: Uint8Array.of(value ? 1 : 0) });
      return name;
    });
  }

  /** Emits one node with a single output and returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const [output] = this.opMulti(opType, inputs, 1, attributes, outputName === undefined ? undefined : [outputName]);
    return output!;
  }

  opMulti(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    outputNames?: readonly string[],
  ): string[] {
    const nodeName = this.freshName(opType);
    const outputs = outputNames
      ? outputNames.map((name) => this.claim(name))
      : Array.from({ length: outputCount }, (_, i) => this.claim(outputCount === 1 ? `${nodeName}.out` : `${nodeName}.out${i}`));
    this.nodes.push({
      name: nodeName,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  /** The graph alone, e.g. the body of a Loop node. */
  toGraph(): onnx.IGraphProto {
    return { name: this.graphName, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.initializers };
  }

  /** Encodes the model; the builder stays usable (e.g. to encode again). */
  toBytes(docString = ''): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: ONNX_IR_VERSION,
      producerName: 'edgetune',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: this.toGraph(),
    };
    return proto.ModelProto.encode(model).finish();
  }

  private constant(key: string, create: () => string): string {
    const existing = this.constantsByKey.get(key);
    if (existing !== undefined) return existing;
    const name = create();
    this.constantsByKey.set(key, name);
    return name;
  }

  private freshName(prefix: string): string {
    let name: string;
    do name = `${this.namePrefix}${prefix}_${this.nodeCounter++}`;
    while (this.usedNames.has(name));
    return name;
  }

  private claim(name: string): string {
    if (this.usedNames.has(name)) throw new Error(`ONNX graph "${this.graphName}": value name "${name}" is defined twice`);
    this.usedNames.add(name);
    return name;
  }
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const type = proto.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: type.INT, i: value.int };
  if ('ints' in value) return { name, type: type.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: type.FLOAT, f: value.float };
  if ('graph' in value) return { name, type: type.GRAPH, g: value.graph };
  return { name, type: type.STRING, s: new TextEncoder().encode(value.string) };
}

function assertElementCount(name: string, count: number, dims: readonly number[]): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== count) throw new Error(`initializer "${name}": ${count} values for dims [${dims.join(',')}]`);
}

// ONNX raw_data is little-endian; copy the bytes so the source array is never aliased.
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!littleEndianHost) {
    const width = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  }
  return bytes;
}
