/**
 * Hostile inputs for the fuzz test: random bytes, invalid UTF-8, NUL bytes, BOMs, CRLF, mixed
 * encodings, 10,000-deep nesting, very long lines and byte-level mutations of a real sample,
 * for every supported language. Deterministic for a given seed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers';

export interface FuzzInput {
  /** File name (with the language's extension) and what made it. */
  name: string;
  kind: string;
  bytes: Buffer;
}

/** Language -> sample file under test/fixtures/parse (the mutation seed) and extension. */
export const LANGUAGES: Record<string, string> = {
  bash: 'sample.sh', c: 'sample.c', cpp: 'sample.cpp', csharp: 'Sample.cs', elixir: 'sample.ex', go: 'sample.go',
  haskell: 'sample.hs', java: 'Sample.java', javascript: 'sample.js', kotlin: 'sample.kt', lua: 'sample.lua',
  php: 'sample.php', python: 'sample.py', ruby: 'sample.rb', rust: 'sample.rs', scala: 'sample.scala',
  swift: 'sample.swift', typescript: 'sample.ts', tsx: 'sample.tsx', zig: 'sample.zig', markdown: 'sample.md', text: 'sample.txt',
};

/** Nesting depth of the deep-nesting inputs. */
export const DEEP_NESTING = 10_000;
/** A single line this long: past the parser's line limit (100k characters). */
const LONG_LINE_CHARS = 300_000;
/** The one giant single-line file of a run. */
export const HUGE_LINE_BYTES = 50 * 1024 * 1024;
const MAX_RANDOM_BYTES = 4096;
const MUTATIONS_PER_INPUT = 8;
const INVALID_UTF8: readonly number[][] = [[0xc3, 0x28], [0xff], [0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];

type Mutator = (seed: Buffer, rnd: () => number, ext: string) => Buffer;

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
const at = (rnd: () => number, length: number) => Math.floor(rnd() * (length + 1));

function insertAt(buffer: Buffer, index: number, extra: Buffer): Buffer {
  return Buffer.concat([buffer.subarray(0, index), extra, buffer.subarray(index)]);
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

/** Openers that nest in most of the languages, closed or left open. */
function nested(rnd: () => number, ext: string): Buffer {
  const [open, close] = pick(rnd, [['(', ')'], ['{', '}'], ['[', ']'], ['<div>', '</div>'], ['> ', '']]);
  const prefix = ext === '.md' ? '' : 'x = ';
  const closed = rnd() < 0.5;
  // One line (looks minified: skipped before parsing by the indexer) or one level per line (parsed).
  const sep = rnd() < 0.5 ? '' : '\n';
  return Buffer.from(prefix + (open + sep).repeat(DEEP_NESTING) + '1' + (closed ? (close + sep).repeat(DEEP_NESTING) : '') + '\n');
}

const MUTATORS: Record<string, Mutator> = {
  'random bytes': (_s, rnd) => Buffer.from(Array.from({ length: Math.floor(rnd() * MAX_RANDOM_BYTES) }, () => Math.floor(rnd() * 256))),
  'invalid utf-8': (s, rnd) => {
    let b = s;
    for (let i = 0; i < MUTATIONS_PER_INPUT; i++) b = insertAt(b, at(rnd, b.length), Buffer.from(pick(rnd, INVALID_UTF8)));
    return b;
  },
  'nul bytes': (s, rnd) => {
    let b = s;
    for (let i = 0; i < MUTATIONS_PER_INPUT; i++) b = insertAt(b, at(rnd, b.length), Buffer.from([0]));
    return b;
  },
  'utf-8 bom': (s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), s]),
  'utf-16le bom': (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s.toString('utf8'), 'utf16le')]),
  'utf-16be bom, odd length': (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(s.toString('utf8')), Buffer.from([0x41])]),
  'crlf and lone cr': (s) => Buffer.from(s.toString('utf8').replace(/\n/g, (m) => (m.length % 2 ? '\r\n' : '\r')).replace(/;\r\n/g, ';\r')),
  'mixed encodings': (s) => Buffer.concat([
    s.subarray(0, s.length >> 1), Buffer.from('// café naïve ', 'latin1'), Buffer.from('ünïcødé ', 'utf16le'), Buffer.from('日本語 🎉\n'), s.subarray(s.length >> 1),
  ]),
  'deep nesting': (_s, rnd, ext) => nested(rnd, ext),
  'long line': (s, rnd) => insertAt(s, at(rnd, s.length), Buffer.from(`${'a_b+'.repeat(LONG_LINE_CHARS / 4)}\n`)),
  'byte mutations': (s, rnd) => {
    let b: Buffer = Buffer.from(s);
    for (let i = 0; i < MUTATIONS_PER_INPUT; i++) {
      const op = Math.floor(rnd() * 4);
      const p = Math.floor(rnd() * b.length);
      if (op === 0 && b.length) b[p] = Math.floor(rnd() * 256);
      else if (op === 1) b = Buffer.concat([b.subarray(0, p), b.subarray(p + 1 + Math.floor(rnd() * 64))]);
      else if (op === 2) b = insertAt(b, p, b.subarray(Math.floor(rnd() * b.length)).subarray(0, 1 + Math.floor(rnd() * 200)));
      else b = insertAt(b, p, Buffer.from(pick(rnd, ['{', '}', '(', ')', '"', "'", '`', '/*', '*/', '"""', '#', '\\', 'end', 'fn', 'class'])));
    }
    return b;
  },
  'truncated': (s, rnd) => s.subarray(0, Math.floor(rnd() * s.length)),
  empty: () => Buffer.alloc(0),
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** `rounds` inputs per (language, mutator). */
export function fuzzInputs(rnd: () => number, rounds: number): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [language, sample] of Object.entries(LANGUAGES)) {
      const seed = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'parse', sample));
      const ext = path.extname(sample);
      for (const [kind, mutate] of Object.entries(MUTATORS)) {
        inputs.push({ name: `${language}_${inputs.length}${ext}`, kind, bytes: mutate(seed, rnd, ext) });
      }
    }
  }
  return inputs;
}

/** The 50 MB single line, as a Python file (its extension does not make it minified by name). */
export function hugeLineInput(): FuzzInput {
  const bytes = Buffer.alloc(HUGE_LINE_BYTES, 'x = 1; ');
  return { name: 'huge_line.py', kind: '50 MB single line', bytes };
}
