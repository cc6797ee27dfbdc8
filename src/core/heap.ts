/**
 * A full garbage collection on demand, after work that leaves much behind: loading a saved
 * index (its file bytes, the catalog's parsed rows) or indexing many files (parsed batches,
 * texts sent to the embedder). With nothing more to allocate, V8 keeps such dead objects and
 * the buffers they hold for a long time; a restarted engine serving a 220k-chunk index with
 * the default model held 451-462 MB for 30 s of idleness, and 383-409 MB once collected
 * (a collection there takes about 25 ms). The engine does not choose how its process is
 * started, so `gc` is exposed at run time (V8 gives it to contexts made after the flag).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
