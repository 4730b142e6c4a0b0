/**
 * The bottom two layers of the make* vocabulary (onnxruntime-genai style):
 *   primitives  makeNode / makeValue / makeInitializer / makeConstant
 *   one-op      makeMatMul, makeAdd, makeReshape, … — one node each, output dtype (and shape, when the
 *               caller knows it) declared as value_info.
 * Node names are paths (/model/layers.0/attn/q_proj/MatMul) and a node's outputs are `${name}/output_${i}`.
 * makeNode skips a name that already exists, so a shared subgraph (the attention mask, a rotary
 * table, an adapter's per-group slice of its input) can be "made" by every layer and exists once.
 */
import { DataType, valueInfo, type AttributeProto, type DataTypeId, type Dim, type Initializer, type NodeProto, type ValueInfoProto } from './onnx-model.js';
import { onnx } from './onnx-model.js';

/** An attribute value: integers and integer lists cover every op we emit; `{ float }` marks a float. */
export type AttrValue = number | number[] | { float: number };

export class GraphBuilder {
  protected readonly nodes: NodeProto[] = [];
  private readonly nodeNames = new Set<string>();
  protected readonly initializers = new Map<string, Initializer>();
  /** Element type of every named value, so one-op helpers can propagate it. */
  private readonly dtypes = new Map<string, DataTypeId>();
  protected readonly valueInfos = new Map<string, ValueInfoProto>();

  // ── primitives ────────────────────────────────────────────────────────────────────────────

  /**
   * Adds a node unless one with this name exists; returns its output names either way.
   * `outputs`: how many (named `${name}/output_${i}`), or explicit names (graph outputs).
   */
  protected makeNode(opType: string, inputs: string[], name: string, attrs: Record<string, AttrValue> = {}, outputs: number | string[] = 1): string[] {
    if (typeof outputs === 'number') outputs = Array.from({ length: outputs }, (_, i) => `${name}/output_${i}`);
    if (this.nodeNames.has(name)) return outputs;
    this.nodeNames.add(name);
    const attribute: AttributeProto[] = Object.entries(attrs).map(([key, value]) => {
      if (Array.isArray(value)) return { name: key, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
      if (typeof value === 'number') return { name: key, type: onnx.AttributeProto.AttributeType.INT, i: value };
      return { name: key, type: onnx.AttributeProto.AttributeType.FLOAT, f: value.float };
    });
    this.nodes.push({ name, opType, input: inputs, output: outputs, attribute });
    return outputs;
  }

  protected hasNode(name: string): boolean {
    return this.nodeNames.has(name);
  }

  /** Records a value's dtype and, when shape is given, declares it (graph readers show it; ORT checks it). */
  protected makeValue(name: string, dtype: DataTypeId, shape?: Dim[]): string {
    this.dtypes.set(name, dtype);
    if (shape && !this.valueInfos.has(name)) this.valueInfos.set(name, valueInfo(name, dtype, shape));
    return name;
  }

  protected dtypeOf(name: string): DataTypeId {
    const dtype = this.dtypes.get(name);
    if (dtype === undefined) throw new Error(`builder: dtype of ${name} unknown`);
    return dtype;
  }

  /** A weight or table; `data` is a thunk so an existing name costs nothing. */
  protected makeInitializer(name: string, dims: number[], data: () => Float32Array | BigInt64Array): string {
    if (this.initializers.has(name)) return name;
    const values = data();
    const count = dims.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`builder: initializer ${name} has ${values.length} values for dims [${dims.join(', ')}]`);
    const dataType = values instanceof Float32Array ? DataType.FLOAT : DataType.INT64;
    this.initializers.set(name, { name, dataType, dims, data: values });
    this.makeValue(name, dataType);
    return name;
  }

  /** A small constant, created once: /model/constants/{INT64|FLOAT}/{dims}/{values}. */
  protected makeConstant(dtype: 'INT64' | 'FLOAT', values: number[], dims: number[] = [values.length]): string {
    const name = `/model/constants/${dtype}/${dims.length === 0 ? 'scalar' : dims.join('x')}/${values.join('_')}`;
    return this.makeInitializer(name, dims, () =>
      dtype === 'INT64' ? BigInt64Array.from(values.map((v) => BigInt(v))) : Float32Array.from(values),
    );
  }

  protected int64(...values: number[]): string {
    return this.makeConstant('INT64', values);
  }

  protected int64Scalar(value: number): string {
    return this.makeConstant('INT64', [value], []);
  }

  protected floatScalar(value: number): string {
    return this.makeConstant('FLOAT', [value], []);
  }

  // ── one-op helpers: name is the node path; the output keeps the first input's dtype unless said ──

  private op(opType: string, name: string, inputs: string[], shape?: Dim[], attrs: Record<string, AttrValue> = {}, dtype?: DataTypeId): string {
    const [output] = this.makeNode(opType, inputs, name, attrs);
    return this.makeValue(output!, dtype ?? this.dtypeOf(inputs[0]!), shape);
  }

  protected makeAdd(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('Add', name, [a, b], shape);
  }

  protected makeSub(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('Sub', name, [a, b], shape);
  }

  protected makeMul(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('Mul', name, [a, b], shape);
  }

  protected makeDiv(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('Div', name, [a, b], shape);
  }

  protected makeNeg(name: string, x: string, shape?: Dim[]): string {
    return this.op('Neg', name, [x], shape);
  }

  protected makePow(name: string, x: string, exponent: string, shape?: Dim[]): string {
    return this.op('Pow', name, [x, exponent], shape);
  }

  protected makeSqrt(name: string, x: string, shape?: Dim[]): string {
    return this.op('Sqrt', name, [x], shape);
  }

  protected makeSigmoid(name: string, x: string, shape?: Dim[]): string {
    return this.op('Sigmoid', name, [x], shape);
  }

  protected makeMatMul(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('MatMul', name, [a, b], shape);
  }

  /** Y = A·Bᵀ when transB (2-D only); used to reuse embed_tokens [V, D] as the tied lm_head. */
  protected makeGemm(name: string, a: string, b: string, transB: boolean, shape?: Dim[]): string {
    return this.op('Gemm', name, [a, b], shape, { transB: transB ? 1 : 0 });
  }

  /** ReduceMean-18 takes axes as an input. */
  protected makeReduceMean(name: string, x: string, axes: number[], keepdims: boolean, shape?: Dim[]): string {
    return this.op('ReduceMean', name, [x, this.int64(...axes)], shape, { keepdims: keepdims ? 1 : 0 });
  }

  protected makeSoftmax(name: string, x: string, axis: number, shape?: Dim[]): string {
    return this.op('Softmax', name, [x], shape, { axis });
  }

  protected makeReshape(name: string, x: string, targetShape: number[] | string, shape?: Dim[]): string {
    const target = typeof targetShape === 'string' ? targetShape : this.int64(...targetShape);
    return this.op('Reshape', name, [x, target], shape);
  }

  protected makeTranspose(name: string, x: string, perm: number[], shape?: Dim[]): string {
    return this.op('Transpose', name, [x], shape, { perm });
  }

  protected makeUnsqueeze(name: string, x: string, axes: number[], shape?: Dim[]): string {
    return this.op('Unsqueeze', name, [x, this.int64(...axes)], shape);
  }

  protected makeConcat(name: string, inputs: string[], axis: number, shape?: Dim[]): string {
    return this.op('Concat', name, inputs, shape, { axis });
  }

  /** Split-18 into `parts` equal pieces along `axis`. */
  protected makeSplit(name: string, x: string, axis: number, parts: number, shape?: Dim[]): string[] {
    const outputs = this.makeNode('Split', [x], name, { axis, num_outputs: parts }, parts);
    return outputs.map((output) => this.makeValue(output, this.dtypeOf(x), shape));
  }

  protected makeSlice(name: string, x: string, starts: string, ends: string, axes: number[], shape?: Dim[]): string {
    return this.op('Slice', name, [x, starts, ends, this.int64(...axes)], shape);
  }

  protected makeGather(name: string, data: string, indices: string, axis: number, shape?: Dim[]): string {
    return this.op('Gather', name, [data, indices], shape, { axis });
  }

  protected makeShape(name: string, x: string, shape?: Dim[]): string {
    return this.op('Shape', name, [x], shape, {}, DataType.INT64);
  }

  protected makeCast(name: string, x: string, to: DataTypeId, shape?: Dim[]): string {
    return this.op('Cast', name, [x], shape, { to }, to);
  }

  protected makeRange(name: string, start: string, limit: string, delta: string, shape?: Dim[]): string {
    return this.op('Range', name, [start, limit, delta], shape);
  }

  protected makeLessOrEqual(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('LessOrEqual', name, [a, b], shape, {}, DataType.BOOL);
  }

  protected makeGreater(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('Greater', name, [a, b], shape, {}, DataType.BOOL);
  }

  protected makeAnd(name: string, a: string, b: string, shape?: Dim[]): string {
    return this.op('And', name, [a, b], shape, {}, DataType.BOOL);
  }

  protected makeWhere(name: string, condition: string, ifTrue: string, ifFalse: string, shape?: Dim[]): string {
    return this.op('Where', name, [condition, ifTrue, ifFalse], shape, {}, this.dtypeOf(ifTrue));
  }

  /** Renames a value for a graph output (outputs need their own names). */
  protected makeIdentity(name: string, x: string, outputName: string): string {
    this.makeNode('Identity', [x], name, {}, [outputName]);
    return this.makeValue(outputName, this.dtypeOf(x));
  }
}
