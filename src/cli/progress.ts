/** A progress bar on a terminal (stderr), silence elsewhere. */
import { SingleBar, Presets } from 'cli-progress';
import type { IndexProgress } from '../core/indexer';

export function progressReporter(): { update: (p: IndexProgress) => void; stop: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new SingleBar(
    { stream: process.stderr, format: ' {phase} [{bar}] {value}/{total} files | {eta_formatted} left', hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (p.phase !== 'index') return;
      if (!started) {
        bar.start(p.total, p.done, { phase: 'indexing' });
        started = true;
      }
      bar.update(p.done, { phase: 'indexing' });
    },
    stop: () => started && bar.stop(),
  };
}
