/**
 * Security, end to end through the real CLI and engine process:
 * - no byte of a secret file (deny-list) ever reaches the index folder, whatever ignore-file
 *   negations say (a planted token is grepped for; a control token in an ordinary file is found);
 * - symlinks that leave the workspace are not followed (their target's token is nowhere in the index);
 * - the engine process answers only its parent: it holds no listening socket and no inet socket;
 * - indexing, search, similar and stats open no network connection (strace), and work the
 *   same inside a network namespace with no network at all (unshare -n).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as protocol from '../../src/server/protocol';
import { settings, startServer } from './engineServer';
import { cliPath, filesUnder, json, runCli, seededRandom, type Stats, tempBase, writeTree } from './helpers';

/** Consonant-only lower-case words: the tokenizer and stemmer keep them as they are, so a grep finds them. */
function token(random: () => number): string {
  const letters = 'bcdfghjklmnpqrtvwxz';
  return Array.from({ length: 16 }, () => letters[Math.floor(random() * letters.length)]).join('');
}

const random = seededRandom(99);
const SECRET = token(random);
const OUTSIDE = token(random);
const CONTROL = token(random);
const temp = tempBase('security');
const root = path.join(temp.base, 'ws');
const outside = path.join(temp.base, 'outside');
const cache = path.join(temp.base, 'cache');

/** Secret files by the deny-list's rules, each holding the planted token. */
const SECRET_FILES = [
  '.env', '.env.local', 'config/.npmrc', 'deploy/id_rsa', 'deploy/id_ed25519.pub', 'certs/server.pem', 'certs/tls.key',
  'config/credentials.json', 'config/secrets.yaml', '.aws/credentials', '.ssh/config', 'infra/terraform.tfstate',
  'keys/service-account-prod.json', '.git-credentials', 'notes/.netrc',
];

before(() => {
  writeTree(root, 10);
  for (const rel of SECRET_FILES) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), `API_KEY=${SECRET}\npassword = "${SECRET}"\nfunction ${SECRET}() {}\n`);
  }
  // An ignore file that tries to bring secrets back, and an include of everything.
  writeFileSync(path.join(root, '.quarryignore'), '!.env\n!*.pem\n!.ssh/\n');
  writeFileSync(path.join(root, 'control.ts'), `export function ${CONTROL}(): number {\n  return 1;\n}\n`);
  mkdirSync(path.join(outside, 'lib'), { recursive: true });
  writeFileSync(path.join(outside, 'lib', 'leak.ts'), `export function ${OUTSIDE}(): void {}\n`);
  writeFileSync(path.join(outside, 'top.md'), `# ${OUTSIDE}\n\n${OUTSIDE} notes\n`);
  symlinkSync(outside, path.join(root, 'linked-dir'));
  symlinkSync(path.join(outside, 'top.md'), path.join(root, 'linked.md'));
  symlinkSync('../../outside/lib/leak.ts', path.join(root, 'module0', 'relative-leak.ts'));
  symlinkSync(path.join(root, 'control.ts'), path.join(root, 'inside-link.ts')); // inside: indexed once, at control.ts
  json(runCli(['index', root, '--cache-dir', cache, '--json']));
});
after(() => temp.dispose());

/** The index files holding `word`, as stored or inflated (the manifest says which parts are stored deflated). */
function indexHolds(word: string): string[] {
  const deflated = new Set<string>();
  for (const manifest of filesUnder(cache).filter((f) => path.basename(f) === 'manifest.json')) {
    const { parts } = JSON.parse(readFileSync(manifest, 'utf8')) as { parts: Record<string, { file: string; encoding?: string }> };
    for (const { file, encoding } of Object.values(parts)) if (encoding) deflated.add(path.join(path.dirname(manifest), file));
  }
  const content = (f: string) => (deflated.has(f) ? inflateRawSync(readFileSync(f)) : readFileSync(f));
  return filesUnder(cache).filter((f) => content(f).includes(word) || readFileSync(f).includes(word));
}

test('no secret content is ever in the index files', () => {
  assert.ok(indexHolds(CONTROL).length > 0, 'control: a token of an ordinary file is found by this grep');
  assert.deepEqual(indexHolds(SECRET), [], 'the secret token is in no index file');
  assert.deepEqual(indexHolds(SECRET.toUpperCase()), []);
  const stats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
  assert.ok((stats.skipped.secret ?? 0) >= SECRET_FILES.length - 2, `secrets recorded as skipped: ${JSON.stringify(stats.skipped)}`);
  const hits = json<unknown[]>(runCli(['search', SECRET, '--root', root, '--cache-dir', cache, '--json', '--mode', 'lexical']));
  assert.deepEqual(hits, []);
});

test('symlinks leaving the workspace are not followed', () => {
  assert.deepEqual(indexHolds(OUTSIDE), [], 'nothing of the outside target is in the index');
  const stats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
  assert.equal(stats.skipped['symlink-outside'], 3, JSON.stringify(stats.skipped));
  const hits = json<{ path: string }[]>(runCli(['search', CONTROL, '--root', root, '--cache-dir', cache, '--json', '--mode', 'lexical']));
  assert.deepEqual(hits.map((h) => h.path).sort(), ['control.ts'], 'what a link inside the workspace points at is found once, at its real path');
  assert.equal(stats.skipped['symlink-inside'], 1, JSON.stringify(stats.skipped));
});

/** Socket inodes the process holds open. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** Inodes of the rows of a /proc/net table, with their state (tcp) or flags (unix). */
function netTable(name: string): Map<string, string> {
  const rows = new Map<string, string>();
  const [, ...lines] = readFileSync(`/proc/${process.pid}/net/${name}`, 'utf8').trim().split('\n');
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (name === 'unix') rows.set(f[6], f[3]); // Num RefCount Protocol Flags Type St Inode Path
    else rows.set(f[9], f[3]); // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
  }
  return rows;
}

test('the engine process answers only its parent: no listening socket, no inet socket', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
  const server = startServer();
  try {
    await server.connection.sendRequest(protocol.Initialize, { roots: [root], settings: settings(path.join(temp.base, 'server-cache')) });
    const ready = server.indexed(path.resolve(root));
    await server.connection.sendRequest(protocol.IndexRoots, {});
    await ready;
    const results = await server.connection.sendRequest(protocol.Search, { query: 'invoice payment total', k: 5 });
    assert.ok(results.length > 0, 'the engine answers over its pipes');
    const pid = server.child.pid!;
    const sockets = socketInodes(pid);
    for (const table of ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']) {
      const rows = netTable(table);
      const held = [...sockets].filter((inode) => rows.has(inode));
      assert.deepEqual(held, [], `the engine holds no ${table} socket`);
    }
    const unix = netTable('unix');
    const ACCEPTING = 0x10000; // __SO_ACCEPTCON: a listening unix socket
    const listening = [...sockets].filter((inode) => (parseInt(unix.get(inode) ?? '0', 16) & ACCEPTING) !== 0);
    assert.deepEqual(listening, [], 'its unix sockets (the stdio pipes) do not listen');
    // Cross-check with ss: -l lists listening sockets only.
    const ss = spawnSync('ss', ['-lnp'], { encoding: 'utf8' });
    if (ss.status === 0) assert.doesNotMatch(ss.stdout, new RegExp(`pid=${pid},`), 'ss lists no listening socket of the engine');
  } finally {
    await server.stop();
  }
});

function hasStrace(): boolean {
  return spawnSync('strace', ['-V']).status === 0;
}

/** Calls that create, name or connect a socket, or wait for peers. */
const SOCKET_CALL = /\b(socket|connect|bind|listen|accept4?)\(/;
/** Local sockets (what stdio pipes may be made of) are not network. */
const LOCAL_FAMILY = /AF_UNIX|AF_LOCAL/;

/** Network system calls of a strace log, other than on local sockets. */
function networkCalls(trace: string): string[] {
  return trace.split('\n').filter((line) => SOCKET_CALL.test(line) && !LOCAL_FAMILY.test(line));
}

test('index, search, similar and stats open no network connection (strace)', { skip: !hasStrace() && 'strace is not installed' }, () => {
  // Control: a process that does connect (to a closed loopback port) is caught by this check.
  const controlLog = path.join(temp.base, 'strace-control.log');
  const connectOnce = "require('net').connect(9, '127.0.0.1').on('error', () => {})";
  spawnSync('strace', ['-f', '-qq', '-e', 'trace=network', '-o', controlLog, process.execPath, '-e', connectOnce], { timeout: 30_000 });
  assert.ok(networkCalls(readFileSync(controlLog, 'utf8')).length > 0, 'control: a loopback connect is detected');
  const traced = path.join(temp.base, 'traced-cache');
  const commands = [
    ['index', root, '--cache-dir', traced, '--json'],
    ['search', 'invoice payment total', '--root', root, '--cache-dir', traced, '--json'],
    ['similar', 'module0/file_0.ts:2', '--root', root, '--cache-dir', traced, '--json'],
    ['stats', '--root', root, '--cache-dir', traced, '--json'],
  ];
  for (const args of commands) {
    const log = path.join(temp.base, `strace-${args[0]}.log`);
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=network', '-o', log, process.execPath, cliPath, ...args], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, `${args[0]} runs under strace: ${r.stderr}`);
    const trace = readFileSync(log, 'utf8');
    assert.deepEqual(networkCalls(trace), [], `${args[0]}: no network system call`);
  }
});

test('everything works the same with no network at all (unshare -n)', { skip: process.platform !== 'linux' && 'needs Linux namespaces' }, (t) => {
  const probe = spawnSync('unshare', ['-n', 'true']);
  if (probe.status !== 0) return t.skip('cannot create a network namespace here');
  const isolated = path.join(temp.base, 'isolated-cache');
  const run = (args: string[]) => execFileSync('unshare', ['-n', process.execPath, cliPath, ...args], { encoding: 'utf8', timeout: 180_000 });
  run(['index', root, '--cache-dir', isolated, '--json']);
  const query = ['search', 'invoice payment total', '--root', root, '--json'];
  const inside = JSON.parse(run([...query, '--cache-dir', isolated])) as { path: string; start_line: number; score: number }[];
  const outsideRun = json<typeof inside>(runCli([...query, '--cache-dir', cache]));
  assert.ok(inside.length > 0);
  assert.deepEqual(inside.map((r) => [r.path, r.start_line, r.score]), outsideRun.map((r) => [r.path, r.start_line, r.score]));
});
