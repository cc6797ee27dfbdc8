/**
 * The one place that runs searches for the front ends (search view, quick pick, results
 * document, chat): it applies quarry.resultCount, drops answers to superseded queries and
 * remembers the latest results.
 */
import * as vscode from 'vscode';
import * as protocol from '../server/protocol';
import type { SearchFilters, SearchResult } from '../core/types';
import type { EngineClient } from './engine/client';
import type { EditorLocation } from './locations';
import { readSettings } from './settings';
import { Disposable } from './util/dispose';

export interface ResultSet {
  mode: 'search' | 'similar';
  /** The query, or for similar, a label of what the results are similar to. */
  query: string;
  results: SearchResult[];
}

export class SearchService extends Disposable {
  private latest = 0;
  private _current: ResultSet = { mode: 'search', query: '', results: [] };
  private readonly changeEmitter = this._register(new vscode.EventEmitter<ResultSet>());
  /** Fires when the current results change (a new search or find-similar). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly engine: EngineClient) {
    super();
  }

  get current(): ResultSet {
    return this._current;
  }

  /** Searches; resolves undefined when a newer search started meanwhile. */
  async search(query: string, filters?: SearchFilters, k = readSettings().resultCount): Promise<SearchResult[] | undefined> {
    const ticket = ++this.latest;
    const results = query.trim() ? await this.engine.request(protocol.Search, { query, k, filters }) : [];
    if (ticket !== this.latest) return undefined;
    this.setCurrent({ mode: 'search', query, results });
    return results;
  }

  /** Searches without touching the current results (quick pick, chat, tools). */
  async searchOnce(query: string, k = readSettings().resultCount): Promise<SearchResult[]> {
    return query.trim() ? this.engine.request(protocol.Search, { query, k }) : [];
  }

  /** Code similar to a selection (its text) or to the chunk at a location (itself excluded). */
  async similar(location: EditorLocation, label: string): Promise<SearchResult[]> {
    const ticket = ++this.latest;
    const k = readSettings().resultCount;
    const found = await this.engine.request(protocol.Similar, { ...location, k: k + 1 });
    // With selected text the engine searches by text; drop the selection's own place.
    const results = found.filter((r) => !overlaps(r, location)).slice(0, k);
    if (ticket === this.latest) this.setCurrent({ mode: 'similar', query: label, results });
    return results;
  }

  private setCurrent(set: ResultSet): void {
    this._current = set;
    this.changeEmitter.fire(set);
  }
}

function overlaps(r: SearchResult, l: EditorLocation): boolean {
  return r.root === l.root && r.path === l.path && r.start_line <= l.endLine && r.end_line >= l.startLine;
}
