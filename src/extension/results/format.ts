/**
 * The results document: search results as plain text that parses back losslessly, in the
 * manner of VS Code's search editor. Pure functions, no `vscode` import.
 *
 *   # Quarry results
 *   # Query: parse config
 *   # Mode: search
 *   # Root: /home/me/project          (the root of the file groups that follow)
 *
 *   src/config.ts:
 *     12-30 function parseConfig (in Config)  score 0.8312
 *       12  function parseConfig(text: string) {
 *       13    return JSON.parse(text);
 *
 * A file group starts at an unindented line ending in ':' and ends at a blank line (this
 * is what language-configuration.json folds on). Lines starting with '#' are comments.
 */

export interface ResultEntry {
  root: string;
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  name: string;
  container: string[];
  score: number;
  /** Source lines of the result, the first one at startLine. */
  snippet: string;
}

export interface ResultsDocument {
  query: string;
  mode: 'search' | 'similar';
  entries: ResultEntry[];
}

/** What a line of the document points at, for links and navigation. */
export interface LineTarget {
  line: number;          // 0-based line in the document
  root: string;
  path: string;
  startLine: number;     // 1-based in the target file
  endLine: number;
  /** 'file' header, 'entry' header or one 'source' line. */
  role: 'file' | 'entry' | 'source';
  /** Column where the clickable text starts and ends on the document line. */
  start: number;
  end: number;
}

const HEADER = '# Quarry results';
const ENTRY_RE = /^ {2}(\d+)-(\d+) (\S+) (.*?)(?: \(in ([^)]*)\))? {2}score (\S+)$/;
const SOURCE_RE = /^ {4}(\d+) {2}(.*)$/;
const FILE_RE = /^([^\s#].*):$/;

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** Renders results as the document's text. */
export function formatResults(doc: ResultsDocument): string {
  const out = [HEADER, `# Query: ${oneLine(doc.query)}`, `# Mode: ${doc.mode}`];
  let root: string | undefined;
  let file: string | undefined;
  for (const e of doc.entries) {
    if (e.root !== root) {
      out.push('', `# Root: ${oneLine(e.root)}`);
      root = e.root;
      file = undefined;
    }
    if (e.path !== file) {
      out.push('', `${oneLine(e.path)}:`);
      file = e.path;
    }
    const container = e.container.length ? ` (in ${e.container.join('.')})` : '';
    out.push(`  ${e.startLine}-${e.endLine} ${e.kind} ${oneLine(e.name)}${container}  score ${e.score}`);
    e.snippet.split('\n').forEach((text, i) => out.push(`    ${e.startLine + i}  ${text.replace(/\r$/, '')}`));
  }
  return out.join('\n') + '\n';
}

/** Parses the document's text back into results (the inverse of formatResults). */
export function parseResults(text: string): ResultsDocument {
  const doc: ResultsDocument = { query: '', mode: 'search', entries: [] };
  let root = '';
  let path = '';
  let current: ResultEntry | undefined;
  let snippet: string[] = [];
  const flush = () => {
    if (current) current.snippet = snippet.join('\n');
    current = undefined;
    snippet = [];
  };
  for (const line of text.split('\n')) {
    const source = current && SOURCE_RE.exec(line);
    if (source) {
      snippet.push(source[2]);
      continue;
    }
    flush();
    if (line.startsWith('# Query: ')) doc.query = line.slice(9);
    else if (line.startsWith('# Mode: ')) doc.mode = line.slice(8) === 'similar' ? 'similar' : 'search';
    else if (line.startsWith('# Root: ')) root = line.slice(8);
    else if (FILE_RE.test(line)) path = line.slice(0, -1);
    else {
      const m = ENTRY_RE.exec(line);
      if (!m) continue;
      current = {
        root, path, startLine: Number(m[1]), endLine: Number(m[2]), kind: m[3], name: m[4],
        container: m[5] ? m[5].split('.') : [], score: Number(m[6]), snippet: '',
      };
      doc.entries.push(current);
    }
  }
  flush();
  return doc;
}

/** Every line of the document that points somewhere, with the span to make clickable. */
export function lineTargets(text: string): LineTarget[] {
  const targets: LineTarget[] = [];
  let root = '';
  let path = '';
  let entry: { startLine: number; endLine: number } | undefined;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('# Root: ')) {
      root = line.slice(8);
      return;
    }
    const source = entry && SOURCE_RE.exec(line);
    if (source) {
      const n = Number(source[1]);
      targets.push({ line: index, root, path, startLine: n, endLine: n, role: 'source', start: 4, end: 4 + source[1].length });
      return;
    }
    entry = undefined;
    if (FILE_RE.test(line)) {
      path = line.slice(0, -1);
      targets.push({ line: index, root, path, startLine: 1, endLine: 1, role: 'file', start: 0, end: line.length - 1 });
      return;
    }
    const m = ENTRY_RE.exec(line);
    if (!m || !root) return;
    entry = { startLine: Number(m[1]), endLine: Number(m[2]) };
    targets.push({ line: index, root, path, ...entry, role: 'entry', start: 2, end: 2 + m[1].length + 1 + m[2].length });
  });
  return targets;
}
