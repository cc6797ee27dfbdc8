/**
 * From a transformer's last hidden state to one unit-length vector per text. Everything
 * here works on flat row-major arrays, the layout onnxruntime returns.
 */
import type { Pooling } from './byoConfig';

/** Below this norm a vector is treated as zero (left as is rather than blown up). */
const MIN_NORM = 1e-12;

/**
 * hidden: [batch, length, dim]; mask: [batch, length] with 1 for real tokens.
 * Mean pooling averages real tokens only; CLS pooling takes position 0.
 */
export function pool(hidden: Float32Array, mask: ArrayLike<number | bigint>, batch: number, length: number, mode: Pooling): Float32Array {
  const dim = hidden.length / (batch * length);
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const row = out.subarray(b * dim, (b + 1) * dim);
    if (mode === 'cls') {
      row.set(hidden.subarray(b * length * dim, b * length * dim + dim));
      continue;
    }
    let count = 0;
    for (let t = 0; t < length; t++) {
      if (Number(mask[b * length + t]) === 0) continue;
      const offset = (b * length + t) * dim;
      for (let d = 0; d < dim; d++) row[d] += hidden[offset + d];
      count++;
    }
    if (count > 0) for (let d = 0; d < dim; d++) row[d] /= count;
  }
  return out;
}

/** Scales every row of a row-major [rows, dim] array to unit length, in place. */
export function normalizeRows(data: Float32Array, dim: number): Float32Array {
  for (let start = 0; start < data.length; start += dim) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += data[start + d] * data[start + d];
    const norm = Math.sqrt(sum);
    if (norm < MIN_NORM) continue;
    for (let d = 0; d < dim; d++) data[start + d] /= norm;
  }
  return data;
}
