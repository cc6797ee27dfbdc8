/**
 * Optional integrations, registered only where the running VS Code offers the API (checked
 * at run time; engines.vscode is ^1.90): the `@quarry` chat participant, which answers with
 * retrieved results as references, and the `quarry_search` language-model tool.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SearchResult } from '../../core/types';
import type { SearchService } from '../search';
import { Disposable } from '../util/dispose';
import { resultMarkdown, resultsForTool } from './markdown';

const PARTICIPANT_ID = 'quarry.chat';
const TOOL_NAME = 'quarry_search';
const CHAT_RESULTS = 8;
const TOOL_RESULTS = 10;

/** The parts of the language-model tool API we use (finalized after 1.90, so typed here). */
interface ToolApi {
  lm?: { registerTool?: (name: string, tool: { invoke(options: { input: unknown }, token: vscode.CancellationToken): Promise<unknown> }) => vscode.Disposable };
  LanguageModelToolResult?: new (parts: unknown[]) => unknown;
  LanguageModelTextPart?: new (text: string) => unknown;
}

function locationOf(r: SearchResult): vscode.Location {
  return new vscode.Location(vscode.Uri.file(path.join(r.root, r.path)), new vscode.Range(r.start_line - 1, 0, Math.max(r.end_line - 1, r.start_line - 1), 0));
}

export class AssistantIntegrations extends Disposable {
  constructor(private readonly search: SearchService, extensionUri: vscode.Uri) {
    super();
    this.registerParticipant(extensionUri);
    this.registerTool();
  }

  private registerParticipant(extensionUri: vscode.Uri): void {
    const chat = (vscode as { chat?: typeof vscode.chat }).chat;
    if (typeof chat?.createChatParticipant !== 'function') return;
    const participant = this._register(chat.createChatParticipant(PARTICIPANT_ID, (request, _context, stream, token) =>
      this.answer(request.prompt, stream, token)));
    participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'quarry.svg');
  }

  private async answer(prompt: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<void> {
    if (!prompt.trim()) {
      stream.markdown(vscode.l10n.t('Ask for code or docs by meaning, for example "@quarry where are settings read".'));
      return;
    }
    stream.progress(vscode.l10n.t('Searching the workspace index…'));
    const results = await this.search.searchOnce(prompt, CHAT_RESULTS);
    if (token.isCancellationRequested) return;
    if (results.length === 0) {
      stream.markdown(vscode.l10n.t('No results in the workspace index.'));
      return;
    }
    stream.markdown(vscode.l10n.t('Found {0} places in the workspace:', results.length) + '\n\n');
    results.forEach((r, i) => {
      stream.reference(locationOf(r));
      stream.markdown(resultMarkdown(r, i));
      stream.anchor(locationOf(r), `${r.path}:${r.start_line}`);
      stream.markdown('\n\n');
    });
  }

  private registerTool(): void {
    const api = vscode as unknown as ToolApi;
    const register = api.lm?.registerTool;
    const Result = api.LanguageModelToolResult;
    const TextPart = api.LanguageModelTextPart;
    if (typeof register !== 'function' || typeof Result !== 'function' || typeof TextPart !== 'function') return;
    this._register(register.call(api.lm, TOOL_NAME, {
      invoke: async ({ input }) => {
        const { query, k } = toolInput(input);
        const results = query ? await this.search.searchOnce(query, k) : [];
        return new Result([new TextPart(resultsForTool(query, results))]);
      },
    }));
  }
}

/** The tool's input, validated: it comes from a language model. */
function toolInput(input: unknown): { query: string; k: number } {
  const record = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const query = typeof record.query === 'string' ? record.query.slice(0, 2000) : '';
  const k = typeof record.k === 'number' && Number.isInteger(record.k) ? Math.min(Math.max(record.k, 1), 50) : TOOL_RESULTS;
  return { query, k };
}
