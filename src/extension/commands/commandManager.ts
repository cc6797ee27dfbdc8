/**
 * The one place commands are registered: each command is a small object with an id and
 * an execute method.
 */
import * as vscode from 'vscode';
import { Disposable } from '../util/dispose';

export interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

export class CommandManager extends Disposable {
  private readonly ids = new Set<string>();

  register<T extends Command>(command: T): T {
    if (this.ids.has(command.id)) throw new Error(`command registered twice: ${command.id}`);
    this.ids.add(command.id);
    this._register(vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.execute(...args)));
    return command;
  }
}
