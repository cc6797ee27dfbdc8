/**
 * The engine process, seen from the extension host: forks dist/server.js with VS Code's own
 * Node (ELECTRON_RUN_AS_NODE), talks JSON-RPC over its stdio, and restarts it when it
 * crashes — a bounded number of times, then reports the failure and waits for the user.
 */
import { type ChildProcess, fork } from 'node:child_process';
import * as vscode from 'vscode';
import type { RequestType } from 'vscode-jsonrpc';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import * as protocol from '../../server/protocol';
import { engineProcessOptions } from '../../server/launch';
import { Disposable, toDisposable } from '../util/dispose';
import type { Log } from '../log';

/** Lets a burst of configuration events settle before the engine reopens its roots. */
const RECONFIGURE_SETTLE_MS = 250;

/** At most this many crashes within CRASH_WINDOW_MS are restarted automatically. */
const MAX_CRASHES = 4;
const CRASH_WINDOW_MS = 3 * 60_000;
const RESTART_BASE_DELAY_MS = 500;

export type EngineState = 'starting' | 'running' | 'failed' | 'stopped';

export interface EngineConfig {
  roots: string[];
  settings: protocol.EngineSettings;
}

export class EngineClient extends Disposable {
  private child: ChildProcess | undefined;
  private connection: Promise<MessageConnection> | undefined;
  private crashes: number[] = [];
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private _state: EngineState = 'stopped';

  private readonly stateEmitter = this._register(new vscode.EventEmitter<EngineState>());
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly statusEmitter = this._register(new vscode.EventEmitter<protocol.StatusNotification>());
  readonly onStatus = this.statusEmitter.event;
  /** Fires after every successful (re)start, once the roots are open. */
  private readonly startEmitter = this._register(new vscode.EventEmitter<{ restarted: boolean }>());
  readonly onDidStart = this.startEmitter.event;
  private reconfiguring: Promise<void> | undefined;
  private reconfigurePending = false;
  /** The model that actually loaded ('none' after a fallback). */
  model = 'none';
  /** Where that model runs ('cpu', 'webgpu', ...); undefined when lexical only. */
  provider: string | undefined;

  constructor(private readonly serverPath: string, private readonly log: Log, private readonly config: () => EngineConfig) {
    super();
    this._register(toDisposable(() => this.stop()));
  }

  get state(): EngineState {
    return this._state;
  }

  /** Starts the engine (or restarts it) and opens the current roots. */
  start(restarted = false): Promise<MessageConnection> {
    this.stop();
    this.stopping = false;
    this.setState('starting');
    this.connection = this.spawn().then(async (connection) => {
      await this.initialize(connection);
      this.setState('running');
      this.startEmitter.fire({ restarted });
      return connection;
    });
    this.connection.catch((error: Error) => {
      this.log.write('error', `engine failed to start: ${error.message}`);
      this.setState('failed');
    });
    return this.connection;
  }

  /**
   * Reopens the roots with the current settings (workspace folders or settings changed).
   * Events come in bursts (granting trust also changes the effective configuration), so
   * calls are serialised and coalesced: the last one always runs with the settings as they
   * are by then, never with a snapshot taken mid-burst.
   */
  async reconfigure(): Promise<void> {
    if (this._state !== 'running' || !this.connection) return void this.start();
    this.reconfigurePending = true;
    this.reconfiguring ??= this.runReconfigure().finally(() => (this.reconfiguring = undefined));
    return this.reconfiguring;
  }

  private async runReconfigure(): Promise<void> {
    while (this.reconfigurePending && this.connection) {
      this.reconfigurePending = false;
      await new Promise((resolve) => setTimeout(resolve, RECONFIGURE_SETTLE_MS));
      await this.initialize(await this.connection);
    }
    this.startEmitter.fire({ restarted: false });
  }

  async request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> {
    if (!this.connection) throw new Error(vscode.l10n.t('The Quarry engine is not running.'));
    const connection = await this.connection;
    // The library types params through a conditional type that a generic P cannot satisfy.
    return connection.sendRequest(type, params as never);
  }

  private async spawn(): Promise<MessageConnection> {
    const { execArgv, env } = engineProcessOptions();
    const child = fork(this.serverPath, [], { execArgv, silent: true, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } });
    this.child = child;
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.log.write('debug', `engine: ${text.trimEnd()}`));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (error) => this.log.write('error', `engine process: ${error.message}`));
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification(protocol.StatusChanged, (status) => {
      if (status.provider) this.provider = status.provider;
      this.statusEmitter.fire(status);
    });
    connection.onNotification(protocol.Log, ({ level, message }) => this.log.write(level, message));
    connection.onError(([error]) => this.log.write('debug', `engine connection: ${error.message}`));
    connection.listen();
    this.log.write('info', `engine started (pid ${child.pid})`);
    return connection;
  }

  /** Opens the roots; if the configured model cannot load, falls back to lexical search. */
  private async initialize(connection: MessageConnection): Promise<void> {
    const { roots, settings } = this.config();
    try {
      const { provider } = await connection.sendRequest(protocol.Initialize, { roots, settings });
      this.model = settings.model;
      this.provider = provider;
    } catch (error) {
      if (settings.model === 'none') throw error;
      this.log.write('warn', `model '${settings.model}' could not be loaded (${(error as Error).message}); using lexical search only`);
      await connection.sendRequest(protocol.Initialize, { roots, settings: { ...settings, model: 'none' } });
      this.model = 'none';
      this.provider = undefined;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.connection = undefined;
    if (this.stopping) return;
    this.log.write('error', `engine exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'})`);
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length > MAX_CRASHES) {
      this.setState('failed');
      void this.offerRestart();
      return;
    }
    this.setState('starting');
    const delay = RESTART_BASE_DELAY_MS * 2 ** (this.crashes.length - 1);
    this.restartTimer = setTimeout(() => void this.start(true).catch(() => undefined), delay);
  }

  private async offerRestart(): Promise<void> {
    const restart = vscode.l10n.t('Restart');
    const showLog = vscode.l10n.t('Show Log');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('The Quarry engine keeps crashing and was stopped.'), restart, showLog);
    if (choice === restart) {
      this.crashes = [];
      void this.start(true).catch(() => undefined);
    } else if (choice === showLog) {
      this.log.show();
    }
  }

  private stop(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    this.connection = undefined;
    if (child && child.exitCode === null) {
      child.stdin?.end();
      child.kill();
    }
    this.setState('stopped');
  }

  private setState(state: EngineState): void {
    if (state === this._state) return;
    this._state = state;
    this.stateEmitter.fire(state);
  }
}
