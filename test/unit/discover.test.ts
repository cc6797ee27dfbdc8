import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { discoverFiles, type Discovery } from '../../src/core/discover/walk';
import type { SkipReason } from '../../src/core/types';
import { makeTree } from './tree-support';

const paths = (d: Discovery) => d.files.map((f) => f.relPath);
const reasons = (d: Discovery) => Object.fromEntries(d.skipped.map((s) => [s.relPath, s.reason]));
const isRoot = process.getuid?.() === 0;

test('nested .gitignore, .ignore and .quarryignore follow git precedence and negation', async () => {
  const root = await makeTree({
    '.git/info/exclude': 'from-info.ts\n',
    '.gitignore': '*.txt\n!keep.txt\ngen/\n!gen/wanted.ts\n/root-only.ts\nb/\n',
    'keep.txt': 'kept', 'notes.txt': 'ignored', 'root-only.ts': 'x', 'local.ts': 'x', 'from-info.ts': 'x',
    'README.md': '# readme',
    'gen/wanted.ts': 'a parent folder is excluded: git cannot re-include this',
    'gen/.gitignore': '!*.ts\n',
    'b/c.ts': 'in an ignored folder',
    'a/.gitignore': '!b/\n',
    'a/b/c.ts': 'a deeper file re-includes the folder',
    'sub/.gitignore': '!important.txt\nlocal.ts\n',
    'sub/important.txt': 'x', 'sub/other.txt': 'x', 'sub/local.ts': 'x', 'sub/root-only.ts': 'anchored pattern only hits the root',
    'sub/deeper/.ignore': '*.md\n',
    'sub/deeper/.quarryignore': '!README.md\n',
    'sub/deeper/README.md': '# kept', 'sub/deeper/notes.md': '# ignored',
    'app/[id]/.gitignore': '*.ts\n',
    'app/[id]/page.ts': 'ignored by its own folder', 'app/i/page.ts': 'a glob-looking folder name must not leak',
  });
  const found = await discoverFiles(root);
  assert.deepEqual(paths(found), [
    'README.md', 'a/b/c.ts', 'app/i/page.ts', 'keep.txt', 'local.ts',
    'sub/deeper/README.md', 'sub/important.txt', 'sub/root-only.ts',
  ]);
  assert.deepEqual(reasons(found), {
    '.git': 'excluded-dir', '.gitignore': 'unsupported', 'a/.gitignore': 'unsupported',
    'app/[id]/.gitignore': 'unsupported', 'app/[id]/page.ts': 'ignored', b: 'ignored',
    'from-info.ts': 'ignored', gen: 'ignored', 'notes.txt': 'ignored', 'root-only.ts': 'ignored',
    'sub/.gitignore': 'unsupported', 'sub/deeper/.ignore': 'unsupported', 'sub/deeper/.quarryignore': 'unsupported',
    'sub/deeper/notes.md': 'ignored', 'sub/local.ts': 'ignored', 'sub/other.txt': 'ignored',
  });
});

test('built-in folders are skipped once; lock, generated, binary and unknown files get their reason', async () => {
  const root = await makeTree({
    'node_modules/pkg/index.js': 'x', 'node_modules/pkg/deep/more.js': 'x', 'vendor/lib/a.go': 'x',
    'src/__pycache__/m.cpython-311.pyc': 'x', 'target/debug/out.rs': 'x', 'web/dist/app.js': 'x',
    'package-lock.json': '{}', 'yarn.lock': '', 'Cargo.lock': '', 'go.sum': '', 'pnpm-lock.yaml': '', 'deps.lock': '',
    'web/app.min.js': 'x', 'web/app.js.map': '{}', 'api/user.pb.go': 'x', 'api/user_pb2.py': 'x',
    'ui/Form.designer.cs': 'x', 'ui/Form.g.cs': 'x', 'ui/types.generated.ts': 'x',
    'logo.png': Buffer.from([0x89, 0x50]), 'lib.so': 'x', 'app.wasm': 'x', 'data.xyz': 'x',
    'src/main.ts': 'export {}', 'src/types.d.ts': 'export {}', 'web/app.js': 'x', 'Makefile': 'all:',
  });
  const found = await discoverFiles(root);
  assert.deepEqual(found.files.map((f) => [f.relPath, f.language]), [
    ['Makefile', 'text'], ['src/main.ts', 'typescript'], ['src/types.d.ts', 'typescript'], ['web/app.js', 'javascript'],
  ]);
  assert.deepEqual(reasons(found), {
    'node_modules': 'excluded-dir', 'vendor': 'excluded-dir', 'src/__pycache__': 'excluded-dir',
    'target': 'excluded-dir', 'web/dist': 'excluded-dir',
    'package-lock.json': 'lockfile', 'yarn.lock': 'lockfile', 'Cargo.lock': 'lockfile', 'go.sum': 'lockfile',
    'pnpm-lock.yaml': 'lockfile', 'deps.lock': 'lockfile',
    'web/app.min.js': 'generated', 'web/app.js.map': 'generated', 'api/user.pb.go': 'generated',
    'api/user_pb2.py': 'generated', 'ui/Form.designer.cs': 'generated', 'ui/Form.g.cs': 'generated',
    'ui/types.generated.ts': 'generated',
    'logo.png': 'binary', 'lib.so': 'binary', 'app.wasm': 'binary', 'data.xyz': 'unsupported',
  });
  const main = found.files.find((f) => f.relPath === 'src/main.ts');
  assert.equal(main?.absPath, path.join(root, 'src', 'main.ts'));
  assert.equal(main?.size, 9);
  assert.ok((main?.mtimeMs ?? 0) > 0);
});

test('secrets are denied even when an ignore file or an include glob tries to bring them back', async () => {
  const root = await makeTree({
    '.quarryignore': '!.env\n!*.pem\n',
    '.env': 'TOKEN=1', '.env.local': 'TOKEN=1', '.env.production': 'TOKEN=1', 'prod.env': 'TOKEN=1',
    '.env.example': 'TOKEN=', 'server.pem': 'x', 'tls/server.key': 'x', 'id_rsa': 'x', 'id_ed25519.pub': 'x',
    '.npmrc': '//registry/:_authToken=x', '.netrc': 'x', '.git-credentials': 'x', 'config/credentials.json': '{}',
    'config/secrets.yaml': 'a: 1', 'infra/terraform.tfvars': 'x', 'infra/terraform.tfstate': '{}',
    'keys/store.jks': 'x', 'keys/cert.p12': 'x', 'gcp/service-account-prod.json': '{}', '.htpasswd': 'x',
    '.ssh/config': 'Host x', 'src/credentials.ts': 'export function loadCredentials() {}',
    'src/secrets.py': 'def read_secret(): pass',
  });
  const found = await discoverFiles(root, { include: ['*'] });
  assert.deepEqual(paths(found), ['.env.example', 'src/credentials.ts', 'src/secrets.py']);
  const expectedSecrets = [
    '.env', '.env.local', '.env.production', '.git-credentials', '.htpasswd', '.netrc', '.npmrc', '.ssh',
    'config/credentials.json', 'config/secrets.yaml', 'gcp/service-account-prod.json', 'id_ed25519.pub', 'id_rsa',
    'infra/terraform.tfstate', 'infra/terraform.tfvars', 'keys/cert.p12', 'keys/store.jks', 'prod.env',
    'server.pem', 'tls/server.key',
  ];
  assert.deepEqual(reasons(found), { ...Object.fromEntries(expectedSecrets.map((p) => [p, 'secret'])), '.quarryignore': 'unsupported' });
});

test('files over maxFileBytes are too-large, judged from the stat', async () => {
  const root = await makeTree({ 'big.ts': 'x'.repeat(200), 'small.ts': 'x'.repeat(100) });
  const found = await discoverFiles(root, { maxFileBytes: 100 });
  assert.deepEqual(paths(found), ['small.ts']);
  assert.deepEqual(reasons(found), { 'big.ts': 'too-large' });
});

test('symlinks are never followed: what they point at inside the root is indexed at its real path; outside, looping and broken ones are skipped', async () => {
  const outside = await makeTree({ 'elsewhere.ts': 'x', 'dir/inner.ts': 'x' });
  const root = await makeTree({ 'src/real.ts': 'x', 'lib/util.py': 'x', 'sub/file.go': 'x' });
  await fs.symlink(path.join(root, 'src', 'real.ts'), path.join(root, 'alias.ts'));
  await fs.symlink('../lib', path.join(root, 'src', 'lib-link'));
  await fs.symlink(path.join(outside, 'elsewhere.ts'), path.join(root, 'outside.ts'));
  await fs.symlink(path.join(outside, 'dir'), path.join(root, 'outside-dir'));
  await fs.symlink('..', path.join(root, 'sub', 'up'));
  await fs.symlink('.', path.join(root, 'here'));
  await fs.symlink('self-link', path.join(root, 'self-link'));
  await fs.symlink('missing.ts', path.join(root, 'broken.ts'));
  const found = await discoverFiles(root);
  assert.deepEqual(paths(found), ['lib/util.py', 'src/real.ts', 'sub/file.go']);
  assert.deepEqual(reasons(found), {
    'alias.ts': 'symlink-inside', 'src/lib-link': 'symlink-inside',
    'broken.ts': 'unreadable', here: 'symlink-loop', 'outside-dir': 'symlink-outside', 'outside.ts': 'symlink-outside',
    'self-link': 'symlink-loop', 'sub/up': 'symlink-loop',
  });
});

test('a root reached through a symlink is walked, and its own links judged against its real path', async () => {
  const real = await makeTree({ 'a.ts': 'x' });
  const holder = await makeTree({});
  await fs.symlink(real, path.join(holder, 'linked-root'));
  await fs.symlink(path.join(real, 'a.ts'), path.join(real, 'b.ts'));
  const found = await discoverFiles(path.join(holder, 'linked-root'));
  assert.deepEqual(paths(found), ['a.ts']);
  assert.deepEqual(found.skipped, [{ relPath: 'b.ts', reason: 'symlink-inside' }]);
});

test('unreadable files and folders are skipped with a reason, never thrown', { skip: isRoot && 'root reads through chmod 000' }, async () => {
  const root = await makeTree({ 'ok.ts': 'x', 'locked.ts': 'x', 'closed/inner.ts': 'x' });
  await fs.chmod(path.join(root, 'locked.ts'), 0o000);
  await fs.chmod(path.join(root, 'closed'), 0o000);
  const found = await discoverFiles(root);
  assert.deepEqual(paths(found), ['ok.ts']);
  assert.deepEqual(reasons(found), { closed: 'unreadable', 'locked.ts': 'unreadable' });
});

test('extensionless scripts are recognised by their shebang; other extensionless files are not indexed', async () => {
  const root = await makeTree({
    'bin/tool': '#!/usr/bin/env python3\nprint(1)\n', 'bin/run': '#!/bin/bash\necho\n',
    'bin/serve': '#!/usr/bin/env -S node --enable-source-maps\n', 'bin/task': '#!/usr/bin/ruby -w\n',
    'bin/blob': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), 'LICENSE': 'MIT License\n',
    'Rakefile': 'task :x', 'Dockerfile': 'FROM x', 'CMakeLists.txt': 'project(x)', '.editorconfig': 'root = true',
    '.hidden-script': '#!/bin/sh\n',
  });
  const found = await discoverFiles(root);
  assert.deepEqual(found.files.map((f) => [f.relPath, f.language]), [
    ['.editorconfig', 'text'], ['CMakeLists.txt', 'text'], ['Dockerfile', 'text'], ['Rakefile', 'ruby'],
    ['bin/run', 'bash'], ['bin/serve', 'javascript'], ['bin/task', 'ruby'], ['bin/tool', 'python'],
  ]);
  assert.deepEqual(reasons(found), { '.hidden-script': 'unsupported', LICENSE: 'unsupported', 'bin/blob': 'unsupported' });
});

test('user exclude and include globs: folders once, files each, include prunes folders it cannot reach', async () => {
  const root = await makeTree({
    'src/a.ts': 'x', 'src/a.test.ts': 'x', 'src/gen/g.ts': 'x', 'src/util/b.ts': 'x', 'src/util/notes.md': 'x',
    'docs/guide.md': 'x', 'scripts/build.sh': 'x', 'other/deep/c.ts': 'x',
  });
  const excluded = await discoverFiles(root, { exclude: ['*.test.ts', 'docs/', 'src/**/gen/**', '*.{sh,md}'] });
  assert.deepEqual(paths(excluded), ['other/deep/c.ts', 'src/a.ts', 'src/util/b.ts']);
  assert.deepEqual(reasons(excluded), {
    docs: 'excluded-glob', 'scripts/build.sh': 'excluded-glob', 'src/a.test.ts': 'excluded-glob',
    'src/gen': 'excluded-glob', 'src/util/notes.md': 'excluded-glob',
  });
  const included = await discoverFiles(root, { include: ['src/**/*.ts'], exclude: ['gen/'] });
  assert.deepEqual(paths(included), ['src/a.test.ts', 'src/a.ts', 'src/util/b.ts']);
  assert.deepEqual(reasons(included), {
    docs: 'excluded-glob', other: 'excluded-glob', scripts: 'excluded-glob', 'src/gen': 'excluded-glob',
    'src/util/notes.md': 'excluded-glob',
  });
});

test('an aborted signal stops the walk', async () => {
  const root = await makeTree({ 'a.ts': 'x' });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(discoverFiles(root, { signal: controller.signal }), { name: 'AbortError' });
});

test('every skipped entry carries a known reason and files never repeat', async () => {
  const root = await makeTree({ 'a.ts': 'x', 'b.png': 'x', 'node_modules/x.js': 'x', '.env': 'x', 'c.lock': '' });
  const found = await discoverFiles(root);
  const known = new Set<SkipReason>(['ignored', 'excluded-dir', 'lockfile', 'generated', 'binary', 'too-large',
    'secret', 'symlink-loop', 'symlink-outside', 'unreadable', 'unsupported', 'excluded-glob']);
  for (const s of found.skipped) assert.ok(known.has(s.reason), s.reason);
  const all = [...paths(found), ...found.skipped.map((s) => s.relPath)];
  assert.equal(new Set(all).size, all.length);
});
