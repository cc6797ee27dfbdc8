/**
 * Reads the lines of indexed chunks back from their files (the index keeps no text). A
 * reader reads a file once and keeps it within its limits: a file with several results is
 * read once, and the engine keeps one reader while the index is unchanged, because
 * successive searches (a query typed letter by letter) show mostly the same files. Reads are
 * synchronous: a few small files cost less than the thread-pool round trips of async reads,
 * and searches are latency-bound. Lines are found in the bytes and only they are decoded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** How much a reader keeps at most: the files last read, up to both limits. */
export interface SnippetReaderLimits {
  files: number;
  bytes: number;
}

export class SnippetReader {
  /** Files read, least recently used first. */
  private readonly files = new Map<string, Buffer | undefined>();
  private bytesHeld = 0;

  constructor(private readonly root: string, private readonly limits: SnippetReaderLimits = { files: Infinity, bytes: Infinity }) {}

  /** Lines start..end (1-based, inclusive) of a file, at most maxLines; '' when unreadable. */
  lines(relPath: string, start: number, end: number, maxLines = Infinity): string {
    const bytes = this.bytes(relPath);
    return bytes ? lineRange(bytes, start, Math.min(end, start + maxLines - 1)) : '';
  }

  private bytes(relPath: string): Buffer | undefined {
    if (this.files.has(relPath)) {
      const known = this.files.get(relPath);
      this.files.delete(relPath);
      this.files.set(relPath, known);
      return known;
    }
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(path.join(this.root, ...relPath.split('/')));
    } catch {
      bytes = undefined;
    }
    this.files.set(relPath, bytes);
    this.bytesHeld += bytes?.length ?? 0;
    for (const [oldest, held] of this.files) {
      if (this.files.size <= this.limits.files && this.bytesHeld <= this.limits.bytes) break;
      if (oldest === relPath) break; // the file just read is kept for this request whatever its size
      this.files.delete(oldest);
      this.bytesHeld -= held?.length ?? 0;
    }
    return bytes;
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
