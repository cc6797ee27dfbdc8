/**
 * UTF-8 byte offsets of lines of a file's text, so that a result's snippet is read from its
 * offset instead of counting the lines of the whole file (see search/snippets.ts). Lines are
 * counted as the snippet reader counts them: each '\n' ends one.
 */

/** For each 1-based line asked for, the UTF-8 byte offset of its start in `text` (-1: past the end). */
export function lineStartBytes(text: string, lines: readonly number[]): number[] {
  const wanted = [...new Set(lines)].sort((a, b) => a - b);
  const offsets = new Map<number, number>();
  let line = 1;
  let bytes = 0;
  let next = 0; // index into wanted
  while (next < wanted.length && wanted[next] < 1) offsets.set(wanted[next++], -1);
  for (let i = 0; next < wanted.length; i++) {
    while (next < wanted.length && wanted[next] === line) offsets.set(wanted[next++], bytes);
    if (i >= text.length) break;
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4; // a pair is one code point of four bytes
      i++;
    } else bytes += 3; // a lone surrogate is written as U+FFFD, three bytes
  }
  return lines.map((l) => offsets.get(l) ?? -1);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
