/**
 * The CPU-heavy part of indexing one file — parse, chunk, hash each chunk's situated text,
 * tokenise its lexical fields — as one pure step, so that it runs the same on the main
 * thread and in the parse pool's workers.
 */
import { embeddingText, lexicalFields } from '../index/chunkText';
import type { FieldTokens } from '../index/lexical';
import { sha1Hex } from '../hashing';
import { chunkFile } from '../parse/chunker';
import type { SymbolParser } from '../parse/symbols';
import type { Chunk, LanguageId } from '../types';

export type HashedChunk = Chunk & { textHash: string };

export interface PreparedChunks {
  chunks: HashedChunk[];
  /** Lexical fields of each chunk, in the same order. */
  fields: FieldTokens[];
  /** Why the fallback chunker was used, when it was. */
  note?: string;
}

export async function prepareChunks(parser: SymbolParser, relPath: string, language: LanguageId, text: string): Promise<PreparedChunks> {
  const outcome = await parser.parse(text, language);
  const chunks = chunkFile(relPath, language, text, outcome.symbols).map((c) => ({
    ...c,
    textHash: sha1Hex(embeddingText(c)),
  }));
  return { chunks, fields: chunks.map(lexicalFields), note: outcome.error };
}
