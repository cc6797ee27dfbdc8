// Starts and stops a code-server (a real VS Code: server + web workbench) for one test
// file: a fresh temporary extensions dir, user-data dir and copy of the fixture workspace,
// the packaged VSIX installed offline, loopback only, stopped by its own pid.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO, ensureVsix } from './vsix.mjs';
import { writeWorkspace } from './fixture.mjs';

export const CODE_SERVER = path.join(REPO, '.cache/code-server/node_modules/.bin/code-server');
export const EXTENSION_ID = 'quarry.quarry';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function userSettings(trustEnabled) {
  return {
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': trustEnabled,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'chat.commandCenter.enabled': false,
    'git.enabled': false,
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
    // Typing in the editor goes in literally (the edit test types a whole function).
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'editor.autoIndent': 'none',
    'editor.formatOnType': false,
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'editor.acceptSuggestionOnEnter': 'off',
  };
}

/**
 * Prepares dirs, installs the VSIX and starts code-server.
 * @param {{ name: string, trusted?: boolean, workspaceSettings?: object }} opts trusted=false
 *   leaves Workspace Trust on (the folder opens in Restricted Mode); workspaceSettings is
 *   written to the workspace's .vscode/settings.json.
 */
export async function startCodeServer({ name, trusted = true, workspaceSettings }) {
  if (!existsSync(CODE_SERVER)) throw new Error('code-server is not installed: run bash scripts/e2e-setup.sh');
  const vsix = ensureVsix();
  const tmp = mkdtempSync(path.join(os.tmpdir(), `quarry-e2e-${name}-`));
  const dirs = {
    tmp,
    ext: path.join(tmp, 'ext'),
    userData: path.join(tmp, 'user-data'),
    workspace: path.join(tmp, 'workspace'),
    xdg: path.join(tmp, 'xdg'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  writeWorkspace(dirs.workspace);
  if (workspaceSettings) {
    mkdirSync(path.join(dirs.workspace, '.vscode'));
    writeFileSync(path.join(dirs.workspace, '.vscode/settings.json'), JSON.stringify(workspaceSettings, null, 2));
  }
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(path.join(dirs.userData, 'User/settings.json'), JSON.stringify(userSettings(!trusted), null, 2));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    QUARRY_CACHE_DIR: path.join(dirs.xdg, 'quarry-cache'),
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  const common = ['--extensions-dir', dirs.ext, '--user-data-dir', dirs.userData, '--config', path.join(tmp, 'config.yaml')];
  const inst = spawnSync(CODE_SERVER, ['--install-extension', vsix, ...common], { env, encoding: 'utf8', timeout: 120_000 });
  if (inst.status !== 0) throw new Error(`--install-extension failed (${inst.status}): ${inst.stdout}\n${inst.stderr}`);

  const port = await freePort();
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', ...common];
  if (trusted) args.push('--disable-workspace-trust');
  args.push(dirs.workspace);
  const logFile = path.join(tmp, 'code-server.log');
  const out = createWriteStream(logFile);
  const child = spawn(CODE_SERVER, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = { child, port, dirs, logFile, exited, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}` };
  await waitHealthy(server);
  return server;
}

async function waitHealthy(server, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`code-server exited: ${readFileSync(server.logFile, 'utf8')}`);
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  throw new Error(`code-server not healthy within ${timeoutMs} ms`);
}

/** Pids of the live descendants of `pid` (read from /proc). */
function descendants(pid) {
  const children = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch {
      /* gone */
    }
  }
  const out = [];
  const walk = (p) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops code-server by its pid (SIGTERM, then SIGKILL after a bounded wait) and then any of
 * its descendants that outlived it, each by its own pid. Returns the pids that had to be
 * killed after the server exited (the engine process should exit on its own).
 */
export async function stopCodeServer(server, { keepDirs = false } = {}) {
  const tree = descendants(server.child.pid);
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    const timeout = sleep(10_000).then(() => 'timeout');
    if ((await Promise.race([server.exited, timeout])) === 'timeout') {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
  const deadline = Date.now() + 10_000;
  while (tree.some(alive) && Date.now() < deadline) await sleep(200);
  const stragglers = tree.filter(alive);
  for (const pid of stragglers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
  if (!keepDirs) rmSync(server.dirs.tmp, { recursive: true, force: true, maxRetries: 3 });
  return stragglers;
}
