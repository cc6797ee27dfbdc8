/**
 * Cooperative time slicing. Indexing and searching share the engine's one JavaScript
 * thread; long synchronous stretches of indexing (parsing a batch, serialising a
 * checkpoint) would make a search wait for all of them. Background work calls
 * `yieldIfDue()` between small steps: it gives the event loop a turn at least every
 * `budgetMs`, and while a search is running (`inForeground`) it stays parked, so a search
 * waits for one step of indexing at most instead of one step per await it makes.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** Longest stretch of synchronous work between two turns of the event loop. */
export const DEFAULT_SLICE_MS = 10;
/** Background work parks at most this long per turn, so that back-to-back searches cannot starve indexing. */
const MAX_PARK_MS = 250;

let foregroundCount = 0;
let wakeParked: (() => void)[] = [];

/** Runs a user-facing request; background work that yields meanwhile waits until it is done. */
export async function inForeground<T>(request: () => Promise<T>): Promise<T> {
  foregroundCount++;
  try {
    return await request();
  } finally {
    if (--foregroundCount === 0) {
      const parked = wakeParked;
      wakeParked = [];
      parked.forEach((wake) => wake());
    }
  }
}

export class TimeSlicer {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = DEFAULT_SLICE_MS) {}

  /** Lets pending I/O and requests run if this slice has used its budget. */
  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.sliceStart < this.budgetMs) return;
    await nextTurn();
    if (foregroundCount > 0) {
      const parked = new Promise<void>((wake) => wakeParked.push(wake));
      await Promise.race([parked, sleep(MAX_PARK_MS)]);
    }
    this.sliceStart = performance.now();
  }
}

/** Runs a generator of steps to its end at once, returning what it returns. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a generator of steps, giving the event loop its turns between them. */
export async function runSliced<T>(steps: Generator<void, T>, slicer = new TimeSlicer()): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await slicer.yieldIfDue();
  }
}
