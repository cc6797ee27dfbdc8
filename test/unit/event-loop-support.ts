/** Shared helper of the tests of cooperative work: how often the event loop turned while it ran. */

/** Runs `work` and counts the turns of the event loop meanwhile (each turn runs the immediate the one before queued). */
export async function countTurnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = () => {
    turns++;
    if (!done) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    done = true;
  }
}
