/**
 * The "Quarry" log output channel. Engine log notifications are forwarded at their own
 * levels; `quarry.logLevel` drops the ones below the chosen level.
 */
import * as vscode from 'vscode';
import { Disposable } from './util/dispose';
import type { LogLevel } from './settings';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class Log extends Disposable {
  readonly channel: vscode.LogOutputChannel;
  private minimum: LogLevel = 'info';

  constructor() {
    super();
    this.channel = this._register(vscode.window.createOutputChannel('Quarry', { log: true }));
  }

  setLevel(level: LogLevel): void {
    this.minimum = level;
  }

  write(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.minimum]) return;
    switch (level) {
      case 'debug': this.channel.debug(message); break;
      case 'info': this.channel.info(message); break;
      case 'warn': this.channel.warn(message); break;
      case 'error': this.channel.error(message); break;
    }
  }

  show(): void {
    this.channel.show(true);
  }
}
