/**
 * Finds files that ship with the package. The same code runs bundled (dist/cli.js,
 * dist/server.js next to dist/embedWorker.js, models/ at the package root) and from source
 * under tsx (src/core/embed/*.ts, models/ at the repository root).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The nearest folder above this module that holds a package.json: the package root. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** QUARRY_MODELS_DIR overrides, for tests and for models kept outside the package. */
export function modelsDir(): string {
  return process.env.QUARRY_MODELS_DIR ?? path.join(packageRoot(), 'models');
}

export interface WorkerEntry {
  /** A script path, or (eval true) the source of a bootstrap script. */
  script: string;
  eval: boolean;
}

/**
 * The embedding worker's script. Bundled, scripts/build.mjs writes it next to the bundle.
 * From source (tsx tests) this module is a .ts file: Node 20 ignores `--import tsx` in a
 * worker's execArgv, so a small bootstrap registers tsx's require hook, then loads worker.ts.
 */
export function workerEntry(): WorkerEntry {
  if (!__filename.endsWith('.ts')) return { script: path.join(__dirname, 'embedWorker.js'), eval: false };
  const tsx = require.resolve('tsx/cjs');
  const worker = path.join(__dirname, 'worker.ts');
  return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(worker)});`, eval: true };
}
