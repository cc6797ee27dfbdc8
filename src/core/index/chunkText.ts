/**
 * The texts a chunk is indexed under: the situated text the embedder encodes, and the
 * counted terms of the lexical index.
 */
import type { Chunk } from '../types';
import { countTerms, type ChunkTerms, type FieldTokens } from './lexical';
import { tokenize, tokenizePath } from './tokenize';

/** Bodies longer than this are cut for the lexical body field (huge data tables add only noise). */
const MAX_BODY_CHARS_FOR_LEXICAL = 20_000;
/** How often the file stem counts in the path field: the file name says a lot about its code. */
const FILE_STEM_REPEAT = 2;
/** Folders nearest the file that name its topic; the rest of the path says little. */
const PATH_FOLDERS_KEPT = 3;

/** `<path>\n<container.name>\n<signature>\n<doc>\n<body>`: what a chunk means, in its context. */
export function embeddingText(chunk: Chunk): string {
  const qualified = [...chunk.container, chunk.name].filter(Boolean).join('.');
  const names = chunk.extraNames.length ? ` (${chunk.extraNames.join(', ')})` : '';
  return `${chunk.path}\n${qualified}${names}\n${chunk.signature}\n${chunk.doc}\n${chunk.body}`;
}

function lexicalFields(chunk: Chunk): FieldTokens {
  const nameTokens = tokenize([chunk.name, ...chunk.extraNames].join(' '));
  tokenize(chunk.container.join(' '), nameTokens);
  return {
    name: nameTokens,
    path: pathTokens(chunk.path),
    doc: tokenize(chunk.doc),
    // Tokenised one after the other, not concatenated: a concatenation is copied flat.
    body: tokenize(chunk.body.slice(0, MAX_BODY_CHARS_FOR_LEXICAL), tokenize(chunk.signature)),
  };
}

/** The lexical fields counted, as the lexical index takes them. */
export function lexicalTerms(chunk: Chunk): ChunkTerms {
  return countTerms(lexicalFields(chunk));
}

/** The file stem (repeated) and its nearest folders. */
function pathTokens(relPath: string): string[] {
  const segments = relPath.split('/');
  const file = segments.pop() ?? '';
  const stem = file.replace(/\.[^.]+$/, '');
  const tokens: string[] = [];
  for (let i = 0; i < FILE_STEM_REPEAT; i++) tokenizePath(stem, tokens);
  tokenizePath(segments.slice(-PATH_FOLDERS_KEPT).join('/'), tokens);
  return tokens;
}
