/**
 * Pure rendering of search results and explanations into the HTML fragments the webviews
 * show. Every value from the index is escaped here (see escape.ts); the webview scripts only
 * insert these fragments and read the data-* attributes back. No `vscode` import.
 */
import type { Explanation, ExplainEntry } from '../../core/search/explain';
import type { SearchResult } from '../../core/types';
import { escapeHtml, highlight, queryWords } from './escape';

/** Lines of a snippet shown in the search view (the engine sends up to 40). */
export const SNIPPET_VIEW_LINES = 8;
/** Longest doc summary shown in the explain view. */
const DOC_SUMMARY_CHARS = 240;
/** Lines of a doc comment shown in the explain view. */
const DOC_VIEW_LINES = 4;

export interface FileGroup {
  root: string;
  path: string;
  results: SearchResult[];
}

/** Groups results by file, keeping the rank order of each file's best result. */
export function groupByFile(results: readonly SearchResult[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const r of results) {
    const key = `${r.root}\u0000${r.path}`;
    let group = groups.get(key);
    if (!group) {
      group = { root: r.root, path: r.path, results: [] };
      groups.set(key, group);
    }
    group.results.push(r);
  }
  return [...groups.values()];
}

/** Readable names of the engine's score channels; unknown keys are shown as they are. */
/** Plain words for the ranking factors the engine reports (src/core/search/rank.ts). */
const FACTOR_WORDS: Record<string, string> = {
  definition: 'defines the name you searched for',
  name: 'its name has words of the query',
  path: 'its path has words of the query',
  'file-name': 'the file is named after the query',
  'file-context': 'other parts of this file match too',
  test: 'test code (ranked lower)',
  vendored: 'vendored or generated code (ranked lower)',
  doc: 'documentation (ranked lower for code queries)',
  block: 'code outside any symbol (ranked lower)',
  member: 'a field or variable (ranked lower)',
  'file-saturation': 'another result from the same file (ranked lower)',
};

/** Why a result matched, in words: channel evidence, the factors that moved it, matched names. */
export function whyText(result: SearchResult, query: string): string {
  const s = result.scores ?? {};
  const parts = [`score ${formatNumber(result.score)}`];
  if (s.lexical_raw) {
    const share = s.coverage ? `, ${Math.round(s.coverage * 100)}% of the query's weight` : '';
    parts.push(`lexical ${formatNumber(s.lexical_raw)} (keywords${share})`);
  }
  if (s.dense_raw) parts.push(`semantic ${formatNumber(s.dense_raw)} (meaning)`);
  for (const [key, words] of Object.entries(FACTOR_WORDS)) if (s[key] !== undefined) parts.push(words);
  const matched = matchedNames(result, query);
  const names = matched.length ? `; matched names: ${matched.join(', ')}` : '';
  return parts.join(' · ') + names;
}

/** The result's name, containers and file name parts that contain a query word. */
export function matchedNames(result: SearchResult, query: string): string[] {
  const words = queryWords(query);
  const fileName = result.path.split('/').pop() ?? '';
  const candidates = [result.name, ...(result.container ?? []), fileName].filter(Boolean);
  return [...new Set(candidates.filter((name) => words.some((w) => name.toLowerCase().includes(w))))];
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : String(x);
}

/** The codicon that best names a symbol kind. */
export function kindIcon(kind: string): string {
  const icons: Record<string, string> = {
    function: 'symbol-function', method: 'symbol-method', constructor: 'symbol-constructor',
    class: 'symbol-class', interface: 'symbol-interface', trait: 'symbol-interface', type: 'symbol-type-parameter',
    enum: 'symbol-enum', struct: 'symbol-structure', union: 'symbol-structure', module: 'symbol-module',
    namespace: 'symbol-namespace', impl: 'symbol-class', constant: 'symbol-constant', variable: 'symbol-variable',
    property: 'symbol-property', field: 'symbol-field', macro: 'symbol-misc', test: 'beaker', section: 'book',
  };
  return icons[kind] ?? 'symbol-misc';
}

function locationAttributes(root: string, path: string, start: number, end: number): string {
  return `data-root="${escapeHtml(root)}" data-path="${escapeHtml(path)}" data-start-line="${start}" data-end-line="${end}"`;
}

function displayName(name: string, container: readonly string[] | undefined): string {
  return [...(container ?? []), name].filter(Boolean).join('.') || '(block)';
}

function renderResult(r: SearchResult, query: string): string {
  const why = whyText(r, query);
  const snippet = r.snippet.split('\n').slice(0, SNIPPET_VIEW_LINES).join('\n');
  return `<div class="quarry-result" role="option" tabindex="-1" ${locationAttributes(r.root, r.path, r.start_line, r.end_line)} title="${escapeHtml(why)}">`
    + `<div class="quarry-result-head"><span class="codicon codicon-${kindIcon(r.kind)}"></span>`
    + `<span class="quarry-name">${highlight(displayName(r.name, r.container), query)}</span>`
    + `<span class="quarry-kind">${escapeHtml(r.kind)}</span>`
    + `<span class="quarry-line">${r.start_line}</span>`
    + `<span class="quarry-expand codicon codicon-info" role="button" title="Why"></span></div>`
    + `<pre class="quarry-snippet"><code>${highlight(snippet, query)}</code></pre>`
    + `<div class="quarry-why">${escapeHtml(why)}</div></div>`;
}

/** Folder name of a root, for file headers when several roots are searched. */
export function rootName(root: string): string {
  return root.split(/[\\/]/).filter(Boolean).pop() ?? root;
}

function renderGroup(group: FileGroup, query: string, multiRoot: boolean): string {
  const slash = group.path.lastIndexOf('/');
  const fileName = group.path.slice(slash + 1);
  const dir = (multiRoot ? `${rootName(group.root)} · ` : '') + (slash > 0 ? group.path.slice(0, slash) : '');
  return `<div class="quarry-file" data-root="${escapeHtml(group.root)}" data-path="${escapeHtml(group.path)}">`
    + `<div class="quarry-file-head"><span class="codicon codicon-file"></span>`
    + `<span class="quarry-file-name">${highlight(fileName, query)}</span>`
    + `<span class="quarry-file-dir">${escapeHtml(dir)}</span>`
    + `<span class="quarry-count">${group.results.length}</span></div>`
    + group.results.map((r) => renderResult(r, query)).join('')
    + `</div>`;
}

/** The results list as HTML: one `.quarry-file` per file, one `.quarry-result` per hit. */
export function renderResults(results: readonly SearchResult[], query: string): string {
  const multiRoot = new Set(results.map((r) => r.root)).size > 1;
  return groupByFile(results).map((g) => renderGroup(g, query, multiRoot)).join('');
}

/** A doc's first paragraph as flowing text: docstrings are hard-wrapped for source files, not for a narrow view. */
export function docSummary(doc: string): string {
  const paragraph = doc.trim().split(/\n\s*\n/)[0] ?? '';
  const lines = paragraph.split('\n').slice(0, DOC_VIEW_LINES);
  const text = lines.map((l) => l.trim()).join(' ').replace(/\s+/g, ' ');
  return text.length > DOC_SUMMARY_CHARS ? `${text.slice(0, DOC_SUMMARY_CHARS - 1)}…` : text;
}

export const EXPLAIN_SECTIONS = ['subject', 'definitions', 'docs', 'similar', 'usages'] as const;
export type ExplainSection = (typeof EXPLAIN_SECTIONS)[number];

export interface ExplainLabels {
  titles: Record<ExplainSection, string>;
  empty: string;
}

function renderEntry(root: string, e: ExplainEntry): string {
  const doc = docSummary(e.doc);
  return `<div class="quarry-entry" role="button" tabindex="0" ${locationAttributes(root, e.path, e.start_line, e.end_line)}>`
    + `<div class="quarry-entry-head"><span class="codicon codicon-${kindIcon(e.kind)}"></span>`
    + `<span class="quarry-name">${escapeHtml(displayName(e.name, e.container))}</span>`
    + `<span class="quarry-kind">${escapeHtml(e.kind)}</span>`
    + `<span class="quarry-location">${escapeHtml(e.path)}:${e.start_line}</span></div>`
    + (doc ? `<div class="quarry-doc">${escapeHtml(doc)}</div>` : '')
    + `</div>`;
}

function renderSection(root: string, section: ExplainSection, entries: readonly ExplainEntry[], labels: ExplainLabels): string {
  const body = entries.length
    ? entries.map((e) => renderEntry(root, e)).join('')
    : `<div class="quarry-empty">${escapeHtml(labels.empty)}</div>`;
  return `<section class="quarry-section" data-section="${section}">`
    + `<button class="quarry-section-head" aria-expanded="true"><span class="codicon codicon-chevron-down"></span>`
    + `<span class="quarry-section-title">${escapeHtml(labels.titles[section])}</span>`
    + `<span class="quarry-count">${entries.length}</span></button>`
    + `<div class="quarry-section-body">${body}</div></section>`;
}

/** The explanation as HTML: five collapsible `.quarry-section`s of clickable `.quarry-entry`s. */
export function renderExplanation(root: string, explanation: Explanation, labels: ExplainLabels): string {
  return EXPLAIN_SECTIONS.map((section) => {
    const entries = section === 'subject' ? (explanation.subject ? [explanation.subject] : []) : explanation[section];
    return renderSection(root, section, entries, labels);
  }).join('');
}
