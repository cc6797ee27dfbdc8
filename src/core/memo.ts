/**
 * A function of a string, memoised in a bounded map: the map is emptied when it reaches
 * `limit` entries (cheaper than an LRU, and what repeats comes straight back).
 */
export function memoised<T>(compute: (key: string) => T, limit: number): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      if (memo.size >= limit) memo.clear();
      memo.set(key, (value = compute(key)));
    }
    return value;
  };
}
