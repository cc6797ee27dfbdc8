/**
 * Decides which language a file is from its name, and for extensionless scripts from
 * the shebang line. `undefined` means "not a text file we index".
 */
import type { LanguageId } from '../types';

/** A Map, so that a file named `constructor` never finds Object.prototype. */
function lookup(table: Record<string, LanguageId>): ReadonlyMap<string, LanguageId> {
  return new Map(Object.entries(table));
}

/** Lower-case extension (with the dot) -> language. */
const LANGUAGE_BY_EXTENSION = lookup({
  '.sh': 'bash', '.bash': 'bash', '.bats': 'bash', '.ksh': 'bash',
  '.c': 'c', '.h': 'c',
  '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.c++': 'cpp', '.hpp': 'cpp', '.hh': 'cpp',
  '.hxx': 'cpp', '.h++': 'cpp', '.ipp': 'cpp', '.inl': 'cpp', '.tpp': 'cpp', '.cu': 'cpp',
  '.cuh': 'cpp', '.ino': 'cpp',
  '.cs': 'csharp', '.csx': 'csharp',
  '.ex': 'elixir', '.exs': 'elixir',
  '.go': 'go',
  '.hs': 'haskell',
  '.java': 'java',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.kt': 'kotlin', '.kts': 'kotlin',
  '.lua': 'lua',
  '.php': 'php', '.phtml': 'php',
  '.py': 'python', '.pyi': 'python', '.pyw': 'python',
  '.rb': 'ruby', '.rake': 'ruby', '.gemspec': 'ruby', '.podspec': 'ruby', '.ru': 'ruby',
  '.jbuilder': 'ruby', '.thor': 'ruby',
  '.rs': 'rust',
  '.scala': 'scala', '.sc': 'scala', '.sbt': 'scala',
  '.swift': 'swift',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.zig': 'zig',
  '.md': 'markdown', '.markdown': 'markdown', '.mdx': 'markdown', '.mdown': 'markdown', '.mkd': 'markdown',
});

/** Text worth indexing that has no grammar of ours: docs, config, data schemas, other languages. */
const TEXT_EXTENSIONS: ReadonlySet<string> = new Set([
  // prose
  '.txt', '.text', '.rst', '.adoc', '.asciidoc', '.org', '.tex', '.pod',
  // config and data schemas
  '.json', '.jsonc', '.json5', '.yaml', '.yml', '.toml', '.ini', '.cfg', '.conf', '.properties',
  '.xml', '.xsd', '.plist', '.proto', '.graphql', '.gql', '.thrift', '.avsc', '.prisma',
  '.tf', '.hcl', '.nix', '.bzl', '.bazel', '.cmake', '.gradle', '.mk', '.make', '.dockerfile',
  // web
  '.html', '.htm', '.xhtml', '.css', '.scss', '.sass', '.less', '.styl', '.vue', '.svelte',
  '.astro', '.erb', '.ejs', '.hbs', '.mustache', '.njk', '.jinja', '.j2', '.twig', '.liquid',
  '.heex', '.eex', '.leex', '.razor', '.cshtml',
  // query and shader languages
  '.sql', '.glsl', '.hlsl', '.wgsl', '.frag', '.vert',
  // other programming languages without a grammar here
  '.zsh', '.fish', '.ps1', '.psm1', '.bat', '.cmd', '.pl', '.pm', '.r', '.jl', '.m', '.mm',
  '.fs', '.fsi', '.fsx', '.ml', '.mli', '.erl', '.hrl', '.clj', '.cljs', '.cljc', '.edn',
  '.nim', '.dart', '.groovy', '.el', '.lisp', '.scm', '.rkt', '.vim', '.sol', '.pyx', '.pxd',
  '.f90', '.f95', '.pas', '.ada', '.adb', '.ads', '.d', '.v', '.sv', '.vhd', '.vhdl', '.tcl',
  '.awk', '.sed', '.lhs', '.purs', '.elm', '.gleam', '.odin', '.cr', '.hx', '.zon',
]);

/** Whole file names (lower case) that carry no telling extension. */
const LANGUAGE_BY_FILENAME = lookup({
  rakefile: 'ruby', gemfile: 'ruby', guardfile: 'ruby', podfile: 'ruby', vagrantfile: 'ruby',
  fastfile: 'ruby', appfile: 'ruby', brewfile: 'ruby', capfile: 'ruby', dangerfile: 'ruby',
  '.bashrc': 'bash', '.bash_profile': 'bash', '.bash_logout': 'bash', '.profile': 'bash',
  makefile: 'text', gnumakefile: 'text', dockerfile: 'text', containerfile: 'text',
  jenkinsfile: 'text', procfile: 'text', justfile: 'text', tiltfile: 'text', caddyfile: 'text',
  build: 'text', workspace: 'text', 'cmakelists.txt': 'text', readme: 'text', changelog: 'text',
  contributing: 'text', authors: 'text', '.editorconfig': 'text', '.gitattributes': 'text',
  '.babelrc': 'text', '.eslintrc': 'text', '.prettierrc': 'text', '.stylelintrc': 'text',
  '.zshrc': 'text', '.env.example': 'text', '.env.sample': 'text', '.env.template': 'text',
});

/** Interpreter named by a shebang (version suffix removed) -> language. */
const LANGUAGE_BY_INTERPRETER = lookup({
  sh: 'bash', bash: 'bash', dash: 'bash', ksh: 'bash', ash: 'bash', zsh: 'text', fish: 'text',
  python: 'python', pypy: 'python',
  node: 'javascript', nodejs: 'javascript', bun: 'javascript', deno: 'typescript',
  'ts-node': 'typescript', tsx: 'typescript',
  ruby: 'ruby', php: 'php', lua: 'lua', luajit: 'lua', elixir: 'elixir',
  runghc: 'haskell', runhaskell: 'haskell', stack: 'haskell',
  scala: 'scala', kotlin: 'kotlin', swift: 'swift', perl: 'text', awk: 'text', make: 'text',
});

/** Lower-case extension of the last path segment, '' for none (dotfiles have none). */
export function extensionOf(relPath: string): string {
  const base = baseName(relPath);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export function baseName(relPath: string): string {
  return relPath.slice(relPath.lastIndexOf('/') + 1);
}

/** Names like `Dockerfile.dev` or `README.ko`: the prefix tells more than the suffix. */
const TEXT_NAME_PREFIXES = ['dockerfile.', 'makefile.', 'readme.', 'jenkinsfile.'];

export function detectLanguage(relPath: string, firstLine?: string): LanguageId | undefined {
  const base = baseName(relPath).toLowerCase();
  const byName = LANGUAGE_BY_FILENAME.get(base);
  if (byName) return byName;
  const ext = extensionOf(relPath);
  const byExt = LANGUAGE_BY_EXTENSION.get(ext);
  if (byExt) return byExt;
  if (TEXT_EXTENSIONS.has(ext)) return 'text';
  if (TEXT_NAME_PREFIXES.some((prefix) => base.startsWith(prefix))) return 'text';
  return firstLine === undefined ? undefined : languageFromShebang(firstLine);
}

/**
 * True when only the first line can tell what the file is: no extension, no known name, and
 * not a dotfile (those are configuration, not scripts, and are not worth a read).
 */
export function needsShebang(relPath: string): boolean {
  const base = baseName(relPath);
  return !base.startsWith('.') && extensionOf(relPath) === '' && detectLanguage(relPath) === undefined;
}

/** `#!/usr/bin/env -S python3 -u` -> python; `#!/bin/bash` -> bash. */
export function languageFromShebang(firstLine: string): LanguageId | undefined {
  if (!firstLine.startsWith('#!')) return undefined;
  const words = firstLine.slice(2).trim().split(/\s+/);
  let program = baseName(words[0] ?? '');
  if (program === 'env') {
    program = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '';
    program = baseName(program);
  }
  const interpreter = program.toLowerCase().replace(/[\d.]+$/, '');
  return LANGUAGE_BY_INTERPRETER.get(interpreter);
}
