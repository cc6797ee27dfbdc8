/** A tiny limiter: at most N tasks in flight, the rest wait in order. */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(maxInFlight: number): Limiter {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  // A finished task hands its slot straight to the next waiter, so the count never overshoots.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (inFlight >= maxInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
    else inFlight++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
