/**
 * The status of all roots, summed up into the one state the status bar shows. Pure, no
 * `vscode` import. Status bar texts are part of the UI contract: keep them exact.
 */
import type { StatusNotification } from '../../server/protocol';

export type OverallState = 'indexing' | 'ready' | 'paused' | 'error';

export interface Summary {
  state: OverallState;
  done: number;
  total: number;
  files: number;
  chunks: number;
  /** The first error message reported by a root. */
  message?: string;
}

/**
 * Any error wins, then any root still indexing, then paused; idle roots count as ready.
 * `engineRunning` false (starting or restarting) reads as indexing, `engineFailed` as error.
 */
export function summarize(statuses: Iterable<StatusNotification>, engine: 'running' | 'starting' | 'failed'): Summary {
  const list = [...statuses];
  const sum = (pick: (s: StatusNotification) => number) => list.reduce((n, s) => n + pick(s), 0);
  const base = { done: 0, total: 0, files: sum((s) => s.files), chunks: sum((s) => s.chunks) };
  if (engine === 'failed') return { ...base, state: 'error' };
  const error = list.find((s) => s.status === 'error');
  if (error) return { ...base, state: 'error', message: error.message };
  if (engine === 'starting') return { ...base, state: 'indexing' };
  const indexing = list.filter((s) => s.status === 'indexing');
  if (indexing.length) {
    return { ...base, state: 'indexing', done: indexing.reduce((n, s) => n + s.done, 0), total: indexing.reduce((n, s) => n + s.total, 0) };
  }
  if (list.some((s) => s.status === 'paused')) return { ...base, state: 'paused' };
  return { ...base, state: 'ready' };
}

/** The status bar item's text, exactly as the UI contract spells it. */
export function statusText(summary: Summary): string {
  switch (summary.state) {
    case 'indexing':
      return summary.total > 0
        ? `$(sync~spin) Quarry: indexing ${summary.done}/${summary.total}`
        : '$(sync~spin) Quarry: indexing';
    case 'ready': return '$(check) Quarry: ready';
    case 'paused': return '$(debug-pause) Quarry: paused';
    case 'error': return '$(error) Quarry: error';
  }
}
