/**
 * Search results as Markdown for chat answers and language-model tools. Pure, no `vscode`
 * import: indexed text is escaped (names) or fenced (code) so it cannot inject markup.
 */
import type { SearchResult } from '../../core/types';

/** Escapes Markdown's special characters in inline text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** A code fence longer than any backtick run inside the code. */
export function fence(code: string, language = ''): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${code}\n${ticks}`;
}

/** Lines of each snippet included in a tool or chat answer. */
const SNIPPET_LINES = 12;

function title(r: SearchResult): string {
  return [...r.container, r.name].filter(Boolean).join('.') || r.kind;
}

/** One result as a Markdown block: a heading line and its fenced snippet. */
export function resultMarkdown(r: SearchResult, index: number): string {
  const snippet = r.snippet.split('\n').slice(0, SNIPPET_LINES).join('\n');
  return `${index + 1}. **${escapeMarkdown(title(r))}** (${escapeMarkdown(r.kind)}) — ${escapeMarkdown(`${r.path}:${r.start_line}-${r.end_line}`)}\n\n${fence(snippet, r.language)}\n`;
}

/** Results as plain text for a language-model tool: paths, lines, names and code. */
export function resultsForTool(query: string, results: readonly SearchResult[]): string {
  if (results.length === 0) return `No results in the workspace index for: ${query}`;
  return results.map((r, i) => `${i + 1}. ${r.path}:${r.start_line}-${r.end_line} ${r.kind} ${title(r)} (score ${r.score})\n${fence(r.snippet.split('\n').slice(0, SNIPPET_LINES).join('\n'), r.language)}`).join('\n\n');
}
