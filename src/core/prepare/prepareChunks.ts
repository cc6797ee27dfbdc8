/**
 * The CPU-heavy part of indexing one file — parse, chunk, hash each chunk's situated text,
 * count its lexical terms — as one pure step, so that it runs the same on the main
 * thread and in the parse pool's workers.
 */
import { embeddingText, lexicalTerms } from '../index/chunkText';
import type { ChunkTerms } from '../index/lexical';
import { sha1Hex } from '../hashing';
import { chunkFile } from '../parse/chunker';
import { lineStartBytes } from './lineOffsets';
import type { SymbolParser } from '../parse/symbols';
import type { Chunk, LanguageId } from '../types';

/** A chunk with the hash of its embedded text and the UTF-8 byte offset of its first line. */
export type HashedChunk = Chunk & { textHash: string; startByte: number };

export interface PreparedChunks {
  chunks: HashedChunk[];
  /** Lexical terms of each chunk, in the same order. */
  terms: ChunkTerms[];
  /** Why the fallback chunker was used, when it was. */
  note?: string;
}

export async function prepareChunks(parser: SymbolParser, relPath: string, language: LanguageId, text: string): Promise<PreparedChunks> {
  const outcome = await parser.parse(text, language);
  const chunked = chunkFile(relPath, language, text, outcome.symbols);
  const startBytes = lineStartBytes(text, chunked.map((c) => c.startLine));
  const chunks = chunked.map((c, i) => ({ ...c, textHash: sha1Hex(embeddingText(c)), startByte: startBytes[i] }));
  return { chunks, terms: chunks.map(lexicalTerms), note: outcome.error };
}
