/**
 * The texts a chunk is indexed under: the situated text the embedder encodes, and the
 * counted terms of the lexical index.
 */
import type { Chunk } from '../types';
import { TermCounter, type ChunkTerms } from './lexical';
import { pathWords } from './tokenize';

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

/** The chunk's lexical fields counted, as the lexical index takes them. */
export function lexicalTerms(chunk: Chunk): ChunkTerms {
  const counter = new TermCounter().addText('name', chunk.name);
  for (const name of chunk.extraNames) counter.addText('name', name);
  for (const container of chunk.container) counter.addText('name', container);
  addPath(counter, chunk.path);
  return counter
    .addText('doc', chunk.doc)
    // The signature and the body one after the other, not concatenated: a concatenation is copied flat.
    .addText('body', chunk.signature)
    .addText('body', chunk.body.slice(0, MAX_BODY_CHARS_FOR_LEXICAL))
    .terms();
}

/** The file stem (repeated) and its nearest folders. */
function addPath(counter: TermCounter, relPath: string): void {
  const segments = relPath.split('/');
  const file = segments.pop() ?? '';
  const stem = pathWords(file.replace(/\.[^.]+$/, ''));
  for (let i = 0; i < FILE_STEM_REPEAT; i++) counter.addText('path', stem);
  counter.addText('path', pathWords(segments.slice(-PATH_FOLDERS_KEPT).join('/')));
}
