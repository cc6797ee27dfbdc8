/**
 * The shipped model's encoder run on this thread, for a few texts: a query, a snippet, an
 * edited file's chunks while no worker runs (see embedder.ts). The model is a table lookup
 * (see models/quarry-code/README.md): the vector of a text is the weighted sum of its
 * features' table rows, each row int8 with one float scale, then L2-normalised. A query has a
 * few dozen features, so its rows are read straight from model.onnx when needed and the 25 MB
 * table never has to be in memory: a search needs no embedding worker, which can then stop
 * when indexing is done. Bulk document embedding stays with onnxruntime in the workers (a
 * batched MatMul is far faster than this loop); the two agree to float rounding
 * (test/unit/featurize-golden.test.ts checks this one against the training code's vectors).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { featurize, type FeaturizerConfig } from './featurize';
import { locateInitializers, ONNX_FLOAT, ONNX_INT8, type InitializerLocation } from './onnxInitializers';
import { normalizeRows } from './pooling';

const TABLE = 'table';
const SCALE = 'scale';

export class TableEncoder {
  private readonly row: Int8Array;
  private readonly rowBytes: Buffer;
  private closed = false;

  private constructor(
    readonly config: FeaturizerConfig,
    private readonly fd: number,
    private readonly tableOffset: number,
    private readonly scales: Float32Array,
  ) {
    this.rowBytes = Buffer.alloc(config.dimension);
    this.row = new Int8Array(this.rowBytes.buffer, this.rowBytes.byteOffset, config.dimension);
  }

  /**
   * Opens `modelPath` for row reads. Throws when the model does not hold the table this
   * encoder knows (`table` int8 [numBuckets, dimension], `scale` float32 [numBuckets]).
   */
  static open(modelPath: string, config: FeaturizerConfig): TableEncoder {
    const found = locateInitializers(modelPath);
    const table = found.get(TABLE);
    const scale = found.get(SCALE);
    const { numBuckets, dimension } = config;
    if (!table || !hasShape(table, ONNX_INT8, [numBuckets, dimension], 1)) throw new Error(`no int8 ${TABLE} [${numBuckets}, ${dimension}] in the model`);
    if (!scale || !hasShape(scale, ONNX_FLOAT, [numBuckets], 4)) throw new Error(`no float ${SCALE} [${numBuckets}] in the model`);
    const fd = openSync(modelPath, 'r');
    try {
      const bytes = Buffer.alloc(scale.length);
      if (readSync(fd, bytes, 0, bytes.length, scale.offset) !== bytes.length) throw new Error('the model is truncated');
      // ONNX raw data is little-endian whatever the machine.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      const scales = Float32Array.from({ length: numBuckets }, (_, i) => view.getFloat32(i * 4, true));
      return new TableEncoder(config, fd, table.offset, scales);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The unit-length vector of one text (the zero vector when it has no feature). */
  embed(text: string): Float32Array {
    if (this.closed) throw new Error('the table encoder is closed');
    const { ids, weights } = featurize(text, this.config);
    const dim = this.config.dimension;
    const sum = new Float64Array(dim);
    for (let f = 0; f < ids.length; f++) {
      const id = ids[f];
      if (readSync(this.fd, this.rowBytes, 0, dim, this.tableOffset + id * dim) !== dim) throw new Error('the model is truncated');
      // As the graph computes it: the weight times the row's scale (in float32), times the row.
      const w = Math.fround(weights[f] * this.scales[id]);
      for (let d = 0; d < dim; d++) sum[d] += w * this.row[d];
    }
    return normalizeRows(Float32Array.from(sum), dim);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

function hasShape(tensor: InitializerLocation, dataType: number, dims: number[], elementBytes: number): boolean {
  return tensor.dataType === dataType && tensor.dims.length === dims.length && tensor.dims.every((d, i) => d === dims[i])
    && tensor.length === dims.reduce((n, d) => n * d, elementBytes);
}
