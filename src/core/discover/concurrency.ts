/** A tiny limiter: at most N tasks in flight, the rest wait in order. */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(maxInFlight: number): Limiter {
  let inFlight = 0;
  // A queue with a moving head: Array#shift is linear on long queues (a 10k-entry folder).
  let waiting: (() => void)[] = [];
  let head = 0;
  // A finished task hands its slot straight to the next waiter, so the count never overshoots.
  const release = () => {
    if (head < waiting.length) {
      const next = waiting[head++];
      if (head === waiting.length) {
        waiting = [];
        head = 0;
      }
      next();
    } else {
      inFlight--;
    }
  };
  const run = <T>(task: () => Promise<T>): Promise<T> => {
    let settled: Promise<T>;
    try {
      settled = task();
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled.then(release, release);
    return settled;
  };
  // No async wrapper on the fast path: this runs once per file-system call.
  return <T>(task: () => Promise<T>): Promise<T> => {
    if (inFlight < maxInFlight) {
      inFlight++;
      return run(task);
    }
    return new Promise<void>((resolve) => waiting.push(resolve)).then(() => run(task));
  };
}
