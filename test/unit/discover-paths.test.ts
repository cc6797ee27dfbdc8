import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { discoverFiles, discoverPaths, type Discovery, type PathDiscovery } from '../../src/core/discover/walk';
import { makeTree } from './tree-support';

/** Every file a walk could meet (links included), as root-relative paths. */
async function allPaths(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await allPaths(root, child)));
    else out.push(child);
  }
  return out;
}

/** What a walk says of a path: its file entry, or the reason given for it or for its nearest skipped folder. */
function walkVerdict(walk: Discovery, relPath: string): string {
  const file = walk.files.find((f) => f.relPath === relPath);
  if (file) return `file ${file.language} ${file.size}`;
  const reasons = new Map(walk.skipped.map((s) => [s.relPath, s.reason]));
  for (let p = relPath; p !== '.'; p = path.posix.dirname(p)) {
    const reason = reasons.get(p);
    if (reason) return `skip ${reason}`;
  }
  return 'absent';
}

function pathVerdict(found: PathDiscovery, relPath: string): string {
  const file = found.files.find((f) => f.relPath === relPath);
  if (file) return `file ${file.language} ${file.size}`;
  const skipped = [...found.skipped, ...found.inSkippedFolder].find((s) => s.relPath === relPath);
  return skipped ? `skip ${skipped.reason}` : 'absent';
}

test('judging one changed path agrees with a walk of the whole tree, for every file of a tricky tree', async () => {
  const outside = await makeTree({ 'elsewhere.ts': 'export const outside = 1;\n' });
  const root = await makeTree({
    '.git/info/exclude': 'from-info.ts\n',
    '.gitignore': '*.txt\n!keep.txt\ngen/\n/root-only.ts\n',
    'keep.txt': 'kept', 'notes.txt': 'ignored', 'root-only.ts': 'x', 'from-info.ts': 'x', 'README.md': '# readme',
    'gen/wanted.ts': 'under an ignored folder',
    'sub/.gitignore': '!important.txt\nlocal.ts\n',
    'sub/important.txt': 'x', 'sub/other.txt': 'x', 'sub/local.ts': 'x', 'sub/root-only.ts': 'anchored pattern only hits the root',
    'sub/deeper/.ignore': '*.md\n', 'sub/deeper/.quarryignore': '!README.md\n',
    'sub/deeper/README.md': '# kept', 'sub/deeper/notes.md': '# ignored',
    'node_modules/pkg/index.js': 'x', 'web/dist/app.js': 'x', 'package-lock.json': '{}', 'web/app.min.js': 'x',
    '.env': 'TOKEN=1', 'config/.env.local': 'TOKEN=2', '.ssh/id_rsa': 'key',
    'src/main.ts': 'export function main() {}\n', 'src/lib/util.py': 'def util():\n    pass\n', 'data.xyz': 'x',
    'big.ts': 'x'.repeat(3000),
    'bin/tool': '#!/usr/bin/env python3\nprint(1)\n', 'bin/blob': 'no shebang',
  });
  await fs.symlink(path.join(root, 'src', 'main.ts'), path.join(root, 'alias.ts'));
  await fs.symlink('../src/lib', path.join(root, 'sub', 'lib-link'));
  await fs.symlink(path.join(outside, 'elsewhere.ts'), path.join(root, 'outside.ts'));
  await fs.symlink('missing.ts', path.join(root, 'broken.ts'));
  const options = { maxFileBytes: 2000 };
  const walk = await discoverFiles(root, options);
  const candidates = [...(await allPaths(root)), 'sub/lib-link/util.py'].filter((p) => !p.startsWith('.git/') && !p.endsWith('ignore'));
  assert.ok(candidates.length >= 25, `${candidates.length} candidates`);
  for (const relPath of candidates) {
    const found = await discoverPaths(root, [relPath], options);
    assert.equal(found.needsWalk, false, `needsWalk for ${relPath}`);
    assert.equal(pathVerdict(found, relPath), walkVerdict(walk, relPath), relPath);
  }
  // All at once: the same verdicts; a file in a skipped folder gets no skip entry of its own (a walk lists the folder only).
  const together = await discoverPaths(root, candidates, options);
  for (const relPath of candidates) assert.equal(pathVerdict(together, relPath), walkVerdict(walk, relPath), relPath);
  assert.deepEqual(together.inSkippedFolder.map((s) => s.relPath).filter((p) => p.startsWith('node_modules/')), ['node_modules/pkg/index.js']);
  assert.ok(!together.skipped.some((s) => s.relPath.startsWith('node_modules/')));
});

test('a vanished path is reported missing; a folder or an ignore file asks for a walk', async () => {
  const root = await makeTree({ 'src/a.ts': 'x', 'src/.gitignore': '*.log\n' });
  assert.deepEqual((await discoverPaths(root, ['src/gone.ts', 'src/a.ts'])).missing, ['src/gone.ts']);
  assert.equal((await discoverPaths(root, ['src/gone.ts'])).needsWalk, false);
  assert.equal((await discoverPaths(root, ['src'])).needsWalk, true);
  await fs.symlink('src', path.join(root, 'linked'));
  const link = await discoverPaths(root, ['linked']);
  assert.equal(link.needsWalk, false);
  assert.deepEqual(link.skipped, [{ relPath: 'linked', reason: 'symlink-inside' }]);
  assert.equal((await discoverPaths(root, ['src/.gitignore'])).needsWalk, true);
  assert.equal((await discoverPaths(root, ['../escape.ts'])).needsWalk, true);
});
