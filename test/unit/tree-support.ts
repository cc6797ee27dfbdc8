/** Shared helper of the discovery tests: real temporary trees, removed after the tests. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const temporaryRoots: string[] = [];
after(async () => {
  for (const root of temporaryRoots) {
    await restorePermissions(root);
    await fs.rm(root, { recursive: true, force: true });
  }
});

/** Writes a real tree: keys are relative paths, values file contents. */
export async function makeTree(files: Record<string, string | Buffer>): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-discover-'));
  temporaryRoots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  }
  return root;
}

/** Tests may chmod 000 parts of a tree; give them back before removing it. */
async function restorePermissions(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755).catch(() => undefined);
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await restorePermissions(full);
    else if (entry.isFile()) await fs.chmod(full, 0o644).catch(() => undefined);
  }
}
