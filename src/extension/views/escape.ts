/**
 * HTML escaping and query highlighting for text that came from the index. Indexed code,
 * paths and docs are untrusted input: every byte shown in a webview passes through here.
 * Pure functions, no `vscode` import, unit-tested.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Words of a query worth highlighting: identifiers and their camelCase/snake_case parts. */
export function queryWords(query: string): string[] {
  const words = new Set<string>();
  for (const m of query.matchAll(/[\p{L}\p{N}_$]+/gu)) {
    const word = m[0];
    if (word.length >= 2) words.add(word.toLowerCase());
    for (const part of word.split(/_|(?<=[a-z0-9])(?=[A-Z])/)) {
      if (part.length >= 3) words.add(part.toLowerCase());
    }
  }
  // Longest first, so that a whole identifier wins over its parts.
  return [...words].sort((a, b) => b.length - a.length);
}

/** Character ranges of `text` that match any query word (case-insensitive), merged. */
export function matchRanges(text: string, words: string[]): Array<[number, number]> {
  if (words.length === 0) return [];
  const lower = text.toLowerCase();
  const ranges: Array<[number, number]> = [];
  for (const word of words) {
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + word.length)) {
      ranges.push([at, at + word.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Escapes `text` and wraps the query words in `<mark>`; the marks are the only markup. */
export function highlight(text: string, query: string): string {
  const ranges = matchRanges(text, queryWords(query));
  let out = '';
  let pos = 0;
  for (const [start, end] of ranges) {
    out += escapeHtml(text.slice(pos, start)) + '<mark>' + escapeHtml(text.slice(start, end)) + '</mark>';
    pos = end;
  }
  return out + escapeHtml(text.slice(pos));
}
