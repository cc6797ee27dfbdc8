// The VSIX under test: QUARRY_E2E_VSIX when set, else out/quarry-<this platform>.vsix,
// re-packaged (build + package) when any of its inputs is newer than it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const TARGET = `${process.platform}-${process.arch}`;
const INPUTS = ['src', 'media', 'models/quarry-code', 'scripts', 'package.json', 'package.nls.json', 'README.md',
  '.vscodeignore', 'language-configuration.json', 'node_modules/hnswlib-node/build/Release/addon.node'];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of readdirSync(p)) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

/** Path of a VSIX built from the current sources (packages it when stale). */
export function ensureVsix() {
  if (process.env.QUARRY_E2E_VSIX) return path.resolve(process.env.QUARRY_E2E_VSIX);
  const vsix = path.join(REPO, 'out', `quarry-${TARGET}.vsix`);
  const inputs = Math.max(...INPUTS.map((p) => newest(path.join(REPO, p))));
  if (existsSync(vsix) && statSync(vsix).mtimeMs > inputs) return vsix;
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/package.mjs'), TARGET], {
    cwd: REPO, encoding: 'utf8', timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`packaging failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return vsix;
}
