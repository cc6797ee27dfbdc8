/**
 * Bytes and unsigned LEB128 varints, written into pieces (the store writes a part's pieces
 * one after the other, never one concatenated copy) and read back with bounds checks.
 */

/** Bytes per piece. */
const PIECE_BYTES = 1 << 20;

/** Appends bytes and unsigned LEB128 varints into pieces of PIECE_BYTES. */
export class ByteWriter {
  private readonly done: Buffer[] = [];
  private piece = Buffer.allocUnsafe(PIECE_BYTES);
  private at = 0;
  length = 0;

  byte(b: number): void {
    if (this.at === this.piece.length) this.nextPiece();
    this.piece[this.at++] = b;
    this.length++;
  }

  /** Appends a run of bytes. */
  bytes(run: Uint8Array): void {
    let from = 0;
    while (from < run.length) {
      if (this.at === this.piece.length) this.nextPiece();
      const n = Math.min(run.length - from, this.piece.length - this.at);
      this.piece.set(run.subarray(from, from + n), this.at);
      this.at += n;
      from += n;
    }
    this.length += run.length;
  }

  /** Any non-negative integer up to 2^53. */
  varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  private nextPiece(): void {
    this.done.push(this.piece);
    this.piece = Buffer.allocUnsafe(PIECE_BYTES);
    this.at = 0;
  }

  pieces(): Buffer[] {
    return [...this.done, this.piece.subarray(0, this.at)];
  }

  /** Starts over, writing into the piece it has (what pieces() returned is overwritten). */
  clear(): void {
    this.done.length = 0;
    this.at = 0;
    this.length = 0;
  }
}

/** Sequential reads from a serialised buffer. */
export class BufferReader {
  constructor(private readonly buf: Buffer, public at: number, private readonly what: string) {}

  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error(`${this.what}: truncated`);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  skip(n: number): void {
    if (this.at + n > this.buf.length) throw new Error(`${this.what}: truncated`);
    this.at += n;
  }

  byte(): number {
    if (this.at >= this.buf.length) throw new Error(`${this.what}: truncated`);
    return this.buf[this.at++];
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new Error(`${this.what}: bad varint`);
    }
  }
}
