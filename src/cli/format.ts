/** How the CLI prints results and summaries for a person (JSON output is in main.ts). */
import type { IndexSummary } from '../core/indexer';
import type { SearchResult } from '../core/types';

const SNIPPET_PREVIEW_LINES = 4;
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const dim = (s: string) => (useColor ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (useColor ? `\x1b[1m${s}\x1b[0m` : s);
const cyan = (s: string) => (useColor ? `\x1b[36m${s}\x1b[0m` : s);

export function formatResults(results: SearchResult[], explain: boolean): string {
  if (results.length === 0) return 'No results.';
  return results.map((r, i) => formatResult(r, i + 1, explain)).join('\n\n');
}

function formatResult(r: SearchResult, rank: number, explain: boolean): string {
  const name = [...r.container, r.name].filter(Boolean).join('.') || '(block)';
  const head = `${rank}. ${cyan(`${r.path}:${r.start_line}-${r.end_line}`)}  ${bold(name)} ${dim(`${r.kind} · ${r.language} · ${r.score.toFixed(3)}`)}`;
  const preview = r.snippet.split('\n').slice(0, SNIPPET_PREVIEW_LINES).map((l) => dim(`   ${l.slice(0, 160)}`));
  const lines = [head, ...preview];
  if (explain) lines.push(`   ${Object.entries(r.scores).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return lines.join('\n');
}

export function formatSummary(s: IndexSummary): string {
  const skipped = Object.entries(s.skipped).sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${reason} ${n}`).join(', ');
  const phases = Object.entries(s.phaseMs).filter(([, ms]) => ms > 0).map(([p, ms]) => `${p} ${ms} ms`).join(', ');
  return [
    `Indexed ${s.root}`,
    `  files    ${s.files} (${s.changedFiles} changed, ${s.unchangedFiles} unchanged, ${s.removedFiles} removed)`,
    `  chunks   ${s.chunks}`,
    `  skipped  ${skipped || 'none'}`,
    ...(s.parseFallbacks ? [`  parser fell back to line chunks for ${s.parseFallbacks} file(s): see \`quarry stats\``] : []),
    `  time     ${s.ms} ms${phases ? ` (${phases})` : ''}`,
  ].join('\n');
}
