/**
 * Reads the lines of indexed chunks back from their files (the index keeps no text). One
 * reader serves one request: a file with several results is read once. Reads are
 * synchronous: a few small files cost less than the thread-pool round trips of async reads,
 * and searches are latency-bound. Lines are found in the bytes and only they are decoded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export class SnippetReader {
  private readonly files = new Map<string, Buffer | undefined>();

  constructor(private readonly root: string) {}

  /** Lines start..end (1-based, inclusive) of a file, at most maxLines; '' when unreadable. */
  lines(relPath: string, start: number, end: number, maxLines = Infinity): string {
    const bytes = this.bytes(relPath);
    return bytes ? lineRange(bytes, start, Math.min(end, start + maxLines - 1)) : '';
  }

  private bytes(relPath: string): Buffer | undefined {
    if (!this.files.has(relPath)) {
      let bytes: Buffer | undefined;
      try {
        bytes = readFileSync(path.join(this.root, ...relPath.split('/')));
      } catch {
        bytes = undefined;
      }
      this.files.set(relPath, bytes);
    }
    return this.files.get(relPath);
  }
}

const NEWLINE = 0x0a;

/** Lines start..end of UTF-8 text (1-based, inclusive), joined by '\n' whatever the file's line ends. */
export function lineRange(text: Buffer, start: number, end: number): string {
  let from = 0;
  for (let line = 1; line < start; line++) {
    const next = text.indexOf(NEWLINE, from);
    if (next < 0) return '';
    from = next + 1;
  }
  let to = from;
  for (let line = start; line <= end; line++) {
    const next = text.indexOf(NEWLINE, to);
    if (next < 0) {
      to = text.length;
      break;
    }
    to = line === end ? next : next + 1;
  }
  return text.toString('utf8', from, to).replace(/\r(?=\n|$)/g, '');
}
