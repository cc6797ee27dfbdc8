/**
 * Best-k selection for the lexical index: a bounded min-heap over the touched slots, so a
 * query that touches 50k chunks costs O(n log k) instead of sorting all of them. The order
 * is exactly that of a full sort by score (descending), then slot (ascending).
 */

/** True when hit a ranks below hit b. */
function worse(scores: Float64Array, a: number, b: number): boolean {
  const sa = scores[a]!;
  const sb = scores[b]!;
  return sa < sb || (sa === sb && a > b);
}

/** The `limit` best slots among `touched[0..count)`, best first. */
export function bestSlots(scores: Float64Array, touched: Int32Array, count: number, limit: number): number[] {
  if (limit <= 0) return [];
  const heap: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = touched[i]!;
    if (heap.length < limit) {
      heap.push(slot);
      siftUp(scores, heap, heap.length - 1);
    } else if (worse(scores, heap[0]!, slot)) {
      heap[0] = slot;
      siftDown(scores, heap, 0);
    }
  }
  return heap.sort((a, b) => (worse(scores, a, b) ? 1 : worse(scores, b, a) ? -1 : 0));
}

/** Min-heap by `worse`: the root is the weakest kept hit. */
function siftUp(scores: Float64Array, heap: number[], at: number): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!worse(scores, heap[at]!, heap[parent]!)) return;
    [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
    at = parent;
  }
}

function siftDown(scores: Float64Array, heap: number[], at: number): void {
  for (;;) {
    const left = 2 * at + 1;
    const right = left + 1;
    let weakest = at;
    if (left < heap.length && worse(scores, heap[left]!, heap[weakest]!)) weakest = left;
    if (right < heap.length && worse(scores, heap[right]!, heap[weakest]!)) weakest = right;
    if (weakest === at) return;
    [heap[at], heap[weakest]] = [heap[weakest]!, heap[at]!];
    at = weakest;
  }
}
