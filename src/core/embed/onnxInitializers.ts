/**
 * Where a model's weight tensors lie in its model.onnx, found without reading the file
 * whole: the protobuf is walked field by field with small reads (ModelProto.graph ->
 * GraphProto.initializer -> TensorProto dims, data_type, name, raw_data) and the big
 * fields are skipped over. Only tensors stored inline as raw_data are reported.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A tensor held in the file: its element type (ONNX TensorProto.DataType), shape and bytes. */
export interface InitializerLocation {
  dataType: number;
  dims: number[];
  /** Byte offset of its raw data in the file, and its length. */
  offset: number;
  length: number;
}

/** ONNX TensorProto data types used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT8 = 3;

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
/** Enough for any field header (tag and length varints). */
const HEADER_BYTES = 20;

/** The inline initializers of the ONNX file `file`, by name. Throws on a malformed file. */
export function locateInitializers(file: string): Map<string, InitializerLocation> {
  const fd = openSync(file, 'r');
  try {
    const reader = new FieldReader(fd, fstatSync(fd).size);
    const found = new Map<string, InitializerLocation>();
    for (const graph of reader.fields(0, reader.size)) {
      if (graph.number !== MODEL_GRAPH || graph.wire !== WIRE_LEN) continue;
      for (const init of reader.fields(graph.start, graph.end)) {
        if (init.number !== GRAPH_INITIALIZER || init.wire !== WIRE_LEN) continue;
        const tensor = readTensor(reader, init.start, init.end);
        if (tensor) found.set(tensor.name, tensor.location);
      }
    }
    return found;
  } finally {
    closeSync(fd);
  }
}

function readTensor(reader: FieldReader, start: number, end: number): { name: string; location: InitializerLocation } | undefined {
  let name: string | undefined;
  let dataType = 0;
  const dims: number[] = [];
  let raw: { offset: number; length: number } | undefined;
  for (const field of reader.fields(start, end)) {
    if (field.number === TENSOR_DIMS && field.wire === WIRE_VARINT) dims.push(field.value);
    else if (field.number === TENSOR_DIMS && field.wire === WIRE_LEN) dims.push(...reader.packedVarints(field.start, field.end));
    else if (field.number === TENSOR_DATA_TYPE && field.wire === WIRE_VARINT) dataType = field.value;
    else if (field.number === TENSOR_NAME && field.wire === WIRE_LEN) name = reader.text(field.start, field.end);
    else if (field.number === TENSOR_RAW_DATA && field.wire === WIRE_LEN) raw = { offset: field.start, length: field.end - field.start };
  }
  return name !== undefined && raw ? { name, location: { dataType, dims, ...raw } } : undefined;
}

interface Field {
  number: number;
  wire: number;
  /** A varint field's value. */
  value: number;
  /** A length-delimited field's bytes [start, end) in the file. */
  start: number;
  end: number;
}

class FieldReader {
  private readonly header = Buffer.alloc(HEADER_BYTES);

  constructor(private readonly fd: number, readonly size: number) {}

  /** The fields of the message in [start, end). */
  *fields(start: number, end: number): Generator<Field> {
    for (let at = start; at < end;) {
      const got = readSync(this.fd, this.header, 0, Math.min(HEADER_BYTES, end - at), at);
      const cursor = { at: 0, limit: got };
      const tag = varint(this.header, cursor);
      const field: Field = { number: Math.floor(tag / 8), wire: tag % 8, value: 0, start: 0, end: 0 };
      if (field.wire === WIRE_VARINT) field.value = varint(this.header, cursor);
      else if (field.wire === WIRE_LEN) {
        const length = varint(this.header, cursor);
        field.start = at + cursor.at;
        field.end = field.start + length;
        cursor.at += length;
      } else if (field.wire === WIRE_I64) cursor.at += 8;
      else if (field.wire === WIRE_I32) cursor.at += 4;
      else throw new Error(`model.onnx: unsupported protobuf wire type ${field.wire}`);
      at += cursor.at;
      if (at > end) throw new Error('model.onnx: truncated protobuf field');
      yield field;
    }
  }

  packedVarints(start: number, end: number): number[] {
    const bytes = this.bytes(start, end);
    const cursor = { at: 0, limit: bytes.length };
    const values: number[] = [];
    while (cursor.at < bytes.length) values.push(varint(bytes, cursor));
    return values;
  }

  text(start: number, end: number): string {
    return this.bytes(start, end).toString('utf8');
  }

  private bytes(start: number, end: number): Buffer {
    const out = Buffer.alloc(end - start);
    if (readSync(this.fd, out, 0, out.length, start) !== out.length) throw new Error('model.onnx: truncated');
    return out;
  }
}

/** A protobuf varint at `cursor.at` (values up to 2^53). */
function varint(bytes: Buffer, cursor: { at: number; limit: number }): number {
  let value = 0;
  for (let scale = 1; ; scale *= 128) {
    if (cursor.at >= cursor.limit || scale > 2 ** 49) throw new Error('model.onnx: bad varint');
    const b = bytes[cursor.at++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value;
  }
}
