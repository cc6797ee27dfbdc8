/**
 * Explain by retrieval: for the code under the cursor, gather what explains it from the
 * index alone — its own doc, the definitions of the identifiers it uses, documentation
 * that discusses it, similar implementations, and its usages. No network, no language model.
 */
import type { IndexState, StoredChunk } from '../index/indexState';
import { splitIdentifier, stemWord } from '../index/tokenize';

export interface ExplainEntry {
  path: string;
  start_line: number;
  end_line: number;
  kind: string;
  name: string;
  container: string[];
  doc: string;
}

export interface Explanation {
  subject: ExplainEntry | undefined;
  definitions: ExplainEntry[];
  docs: ExplainEntry[];
  similar: ExplainEntry[];
  usages: ExplainEntry[];
}

/** Identifiers shorter than this, or language keywords, are not worth looking up. */
const MIN_IDENTIFIER_LENGTH = 3;
const MAX_DEFINITIONS = 12;
const MAX_USAGES = 10;
const KEYWORDS = new Set(('if else for while return function def class const let var new this self true false null ' +
  'none nil undefined import from export public private protected static void int string bool async await try catch ' +
  'except finally raise throw struct enum type interface impl pub fn mut use mod match case switch break continue ' +
  'package func go defer range end do then elif local require module include extends implements super').split(' '));

/** Kinds worth showing as "a definition this code uses"; fields and locals are too loose. */
const DEFINITION_KINDS = new Set(['function', 'method', 'constructor', 'class', 'interface', 'trait', 'type', 'enum',
  'struct', 'union', 'module', 'namespace', 'impl', 'constant', 'macro']);

/** A name -> defining chunks table, built once per index state and reused. */
export class DefinitionTable {
  private readonly byName = new Map<string, number[]>();

  constructor(state: IndexState) {
    for (const chunk of state.liveChunks()) {
      if (!DEFINITION_KINDS.has(chunk.kind) || chunk.part > 1) continue;
      for (const name of [chunk.name, ...chunk.extraNames]) {
        if (!name) continue;
        const list = this.byName.get(name) ?? [];
        list.push(chunk.slot);
        this.byName.set(name, list);
      }
    }
  }

  lookup(name: string): number[] {
    return this.byName.get(name) ?? [];
  }
}

/** Identifiers used in a body, in order of first use, without the subject's own names. */
export function identifiersIn(body: string, ownNames: Set<string>): string[] {
  const seen = new Set<string>();
  for (const m of body.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const id = m[0];
    if (id.length < MIN_IDENTIFIER_LENGTH || KEYWORDS.has(id.toLowerCase()) || ownNames.has(id)) continue;
    seen.add(id);
  }
  return [...seen];
}

export function entryOf(chunk: StoredChunk): ExplainEntry {
  return {
    path: chunk.path, start_line: chunk.startLine, end_line: chunk.endLine, kind: chunk.kind,
    name: chunk.name, container: chunk.container, doc: chunk.doc,
  };
}

/** Definitions in the workspace of the identifiers a chunk body uses (not the subject itself). */
export function definitionsUsedBy(table: DefinitionTable, state: IndexState, body: string, subject: StoredChunk | undefined): ExplainEntry[] {
  const ownNames = new Set(subject ? [subject.name, ...subject.extraNames] : []);
  const out: ExplainEntry[] = [];
  const shown = new Set<number>();
  for (const id of identifiersIn(body, ownNames)) {
    const candidates = table.lookup(id).map((slot) => state.chunk(slot)).filter(
      (c): c is StoredChunk => c !== undefined && c.slot !== subject?.slot && !shown.has(c.slot));
    // One definition per identifier keeps the list readable: the nearest one wins.
    const best = candidates.sort((a, b) => closeness(b, subject) - closeness(a, subject))[0];
    if (!best) continue;
    shown.add(best.slot);
    out.push(entryOf(best));
    if (out.length >= MAX_DEFINITIONS) break;
  }
  return out;
}

/** Same file beats same folder beats same language beats elsewhere. */
function closeness(c: StoredChunk, subject: StoredChunk | undefined): number {
  if (!subject) return 0;
  if (c.path === subject.path) return 3;
  if (c.path.slice(0, c.path.lastIndexOf('/')) === subject.path.slice(0, subject.path.lastIndexOf('/'))) return 2;
  return c.language === subject.language ? 1 : 0;
}

/** Chunks whose lexical postings contain the subject's name: candidates for usages. */
export function usagesOf(state: IndexState, subject: StoredChunk): ExplainEntry[] {
  if (!subject.name || subject.name.length < MIN_IDENTIFIER_LENGTH) return [];
  const lower = subject.name.toLowerCase();
  // Multi-part identifiers are indexed whole; single words only as their stem.
  const term = splitIdentifier(subject.name).length > 1 ? lower : stemWord(lower);
  const terms = new Map([[term, 1]]);
  const hits = state.lexical.search(terms, MAX_USAGES * 4, (slot) => {
    const c = state.chunk(slot);
    return c !== undefined && c.slot !== subject.slot && c.name !== subject.name && !c.isDoc;
  });
  return hits.slice(0, MAX_USAGES).map((h) => entryOf(state.chunk(h.slot)!));
}
