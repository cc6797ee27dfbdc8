/**
 * Cooperative time slicing. Indexing and searching share the engine's one JavaScript
 * thread; long synchronous stretches of indexing (parsing a batch, serialising a
 * checkpoint) make a search wait for all of them. Work that calls `yieldIfDue()` between
 * small steps gives the event loop a turn at least every `budgetMs`, so a search waits for
 * one step at most.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of synchronous work between two turns of the event loop. */
export const DEFAULT_SLICE_MS = 10;

export class TimeSlicer {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = DEFAULT_SLICE_MS) {}

  /** Lets pending I/O and requests run if this slice has used its budget. */
  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.sliceStart < this.budgetMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
