/** Shared helpers for integration tests: a temp copy of a fixture repo and the real CLI. */
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface Sandbox {
  root: string;
  cache: string;
  dispose(): void;
}

/** Copies test/fixtures/repo to a temp folder and adds the files git must not hold (ignored, secrets). */
export function fixtureSandbox(): Sandbox {
  const base = mkdtempSync(path.join(os.tmpdir(), 'quarry-test-'));
  const root = path.join(base, 'repo');
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'repo'), root, { recursive: true });
  mkdirSync(path.join(root, 'build'), { recursive: true });
  writeFileSync(path.join(root, 'build', 'out.js'), 'console.log("built")\n');
  writeFileSync(path.join(root, 'debug.log'), 'noise\n');
  writeFileSync(path.join(root, '.env'), 'API_KEY=not-a-real-key\n');
  writeFileSync(path.join(root, 'server', 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
  return { root, cache: path.join(base, 'cache'), dispose: () => rmSync(base, { recursive: true, force: true }) };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { input?: string; cwd?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    input: options.input,
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function json<T>(run: CliRun): T {
  if (run.status !== 0) throw new Error(`quarry exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
