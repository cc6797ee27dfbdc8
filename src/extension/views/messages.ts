/**
 * The typed contract between the webviews and the extension. Messages from a webview are
 * untrusted: every one is checked by a type guard before it is acted on. No `vscode` import.
 */
import type { LanguageId, SearchFilters } from '../../core/types';

/** Longest query or filter string accepted from a webview. */
const MAX_TEXT = 2000;
const MAX_PATH = 4096;

export type KindFilter = 'all' | 'code' | 'docs';

export interface RawFilters {
  languages: string;
  include: string;
  exclude: string;
  kind: KindFilter;
}

export interface OpenLocation {
  root: string;
  path: string;
  startLine: number;
  endLine: number;
}

/** Messages the search and explain webviews send. */
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'search'; query: string; filters: RawFilters }
  | { type: 'open'; location: OpenLocation; preview: boolean }
  | { type: 'openInEditor' };

/** Messages the extension sends to the webviews. */
export type HostMessage =
  | { type: 'results'; mode: 'search' | 'similar'; query: string; html: string; count: number; state: string }
  | { type: 'state'; text: string; busy: boolean }
  | { type: 'query'; query: string }
  | { type: 'explanation'; html: string; state: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, max = MAX_TEXT): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isLine(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100_000_000;
}

export function isRawFilters(value: unknown): value is RawFilters {
  return isRecord(value) && isText(value.languages) && isText(value.include) && isText(value.exclude)
    && (value.kind === 'all' || value.kind === 'code' || value.kind === 'docs');
}

/** A relative, forward-slash path that stays inside its root. */
export function isSafeRelativePath(value: unknown): value is string {
  if (!isText(value, MAX_PATH) || value.length === 0 || value.includes('\0')) return false;
  if (value.startsWith('/') || value.includes('\\') || /^[a-zA-Z]:/.test(value)) return false;
  return !value.split('/').some((part) => part === '..');
}

export function isOpenLocation(value: unknown): value is OpenLocation {
  return isRecord(value) && isText(value.root, MAX_PATH) && value.root.length > 0 && isSafeRelativePath(value.path)
    && isLine(value.startLine) && isLine(value.endLine) && value.endLine >= value.startLine;
}

export function isViewMessage(value: unknown): value is ViewMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'openInEditor':
      return true;
    case 'search':
      return isText(value.query) && isRawFilters(value.filters);
    case 'open':
      return isOpenLocation(value.location) && typeof value.preview === 'boolean';
    default:
      return false;
  }
}

const LANGUAGES: ReadonlySet<string> = new Set<LanguageId>([
  'bash', 'c', 'cpp', 'csharp', 'elixir', 'go', 'haskell', 'java', 'javascript', 'kotlin', 'lua', 'php',
  'python', 'ruby', 'rust', 'scala', 'swift', 'typescript', 'tsx', 'zig', 'markdown', 'text',
]);

/** Common names people type for a language, mapped to the engine's ids. */
const LANGUAGE_ALIASES: Record<string, LanguageId> = {
  js: 'javascript', ts: 'typescript', py: 'python', rs: 'rust', rb: 'ruby', cs: 'csharp', 'c#': 'csharp',
  'c++': 'cpp', sh: 'bash', shell: 'bash', md: 'markdown', golang: 'go', kt: 'kotlin', hs: 'haskell', ex: 'elixir',
};

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The filter boxes' text as engine filters; unknown language names are dropped. */
export function parseFilters(raw: RawFilters): SearchFilters {
  const filters: SearchFilters = {};
  const languages = splitList(raw.languages.toLowerCase())
    .map((l) => LANGUAGE_ALIASES[l] ?? l)
    .filter((l): l is LanguageId => LANGUAGES.has(l));
  if (languages.length) filters.languages = [...new Set(languages)];
  const include = splitList(raw.include);
  if (include.length) filters.include = include;
  const exclude = splitList(raw.exclude);
  if (exclude.length) filters.exclude = exclude;
  if (raw.kind !== 'all') filters.kind = raw.kind;
  return filters;
}
