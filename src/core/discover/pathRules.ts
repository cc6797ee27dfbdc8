/**
 * Skip decisions that need nothing but a name: built-in excluded folders, lock files,
 * generated or minified files by naming convention, and binary formats by extension.
 */
import type { SkipReason } from '../types';
import { baseName, extensionOf } from './languages';

/** Folder name -> why it never holds code worth searching. Matched on the exact name. */
const EXCLUDED_DIRS: ReadonlyMap<string, string> = new Map([
  ['.git', 'version control metadata'],
  ['.hg', 'version control metadata'],
  ['.svn', 'version control metadata'],
  ['.bzr', 'version control metadata'],
  ['_darcs', 'version control metadata'],
  ['.jj', 'version control metadata'],
  ['node_modules', 'npm/yarn/pnpm dependencies'],
  ['bower_components', 'Bower dependencies'],
  ['jspm_packages', 'jspm dependencies'],
  ['vendor', 'vendored dependencies (Go modules, Composer, Bundler)'],
  ['Pods', 'CocoaPods dependencies'],
  ['Carthage', 'Carthage dependencies and builds'],
  ['deps', 'Mix (Elixir) dependencies'],
  ['_build', 'Mix (Elixir) and Dune (OCaml) build output'],
  ['.stack-work', 'Haskell Stack build output'],
  ['dist-newstyle', 'Cabal build output'],
  ['dist', 'bundler and packager output'],
  ['build', 'build output (CMake, Gradle, setuptools, many bundlers)'],
  ['out', 'build output (tsc, IntelliJ, many bundlers)'],
  ['target', 'Cargo, Maven and sbt build output'],
  ['obj', '.NET intermediate build output'],
  ['.next', 'Next.js build output'],
  ['.nuxt', 'Nuxt build output'],
  ['.svelte-kit', 'SvelteKit build output'],
  ['.angular', 'Angular CLI cache'],
  ['.turbo', 'Turborepo cache'],
  ['.parcel-cache', 'Parcel cache'],
  ['.vercel', 'Vercel build output'],
  ['.serverless', 'Serverless Framework packages'],
  ['.terraform', 'Terraform providers and modules'],
  ['__pycache__', 'Python bytecode'],
  ['.venv', 'Python virtual environment'],
  ['venv', 'Python virtual environment'],
  ['.tox', 'tox environments'],
  ['.nox', 'nox environments'],
  ['.eggs', 'setuptools downloads'],
  ['.mypy_cache', 'mypy cache'],
  ['.pytest_cache', 'pytest cache'],
  ['.ruff_cache', 'ruff cache'],
  ['.ipynb_checkpoints', 'Jupyter autosaves'],
  ['.gradle', 'Gradle caches'],
  ['.idea', 'IntelliJ settings'],
  ['.vs', 'Visual Studio settings and caches'],
  ['.vscode-test', 'downloaded VS Code builds for extension tests'],
  ['coverage', 'coverage reports'],
  ['.nyc_output', 'nyc coverage data'],
  ['htmlcov', 'coverage.py HTML reports'],
  ['.cache', 'tool caches'],
  ['DerivedData', 'Xcode build output'],
  ['.build', 'Swift Package Manager build output'],
  ['.dart_tool', 'Dart tool caches'],
  ['zig-cache', 'Zig build cache'],
  ['.zig-cache', 'Zig build cache'],
  ['zig-out', 'Zig build output'],
  ['.quarry', 'our own index data, if someone puts it in the workspace'],
]);

/** Lock files by exact (lower-case) name; any `*.lock` and `*-lock.<ext>` also counts. */
const LOCKFILE_NAMES: ReadonlySet<string> = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb',
  'cargo.lock', 'gemfile.lock', 'poetry.lock', 'composer.lock', 'go.sum', 'go.work.sum',
  'pipfile.lock', 'mix.lock', 'flake.lock', 'packages.lock.json', 'package.resolved',
  'pubspec.lock', 'podfile.lock', 'gradle.lockfile', 'deno.lock', 'uv.lock', 'pdm.lock',
  'cabal.project.freeze', 'paket.lock', 'conan.lock', '.terraform.lock.hcl',
]);
const LOCKFILE_PATTERNS: readonly RegExp[] = [/\.lock$/, /\.lockfile$/, /-lock\.(json|ya?ml|toml)$/];

/** Generated or minified code by naming convention (tested on the lower-case base name). */
const GENERATED_NAME_PATTERNS: readonly RegExp[] = [
  /[.-]min\.(js|mjs|cjs|css)$/,     // minified bundles
  /\.map$/,                          // source maps
  /\.bundle\.(js|mjs|css)$/,
  /\.chunk\.(js|mjs|css)$/,          // webpack chunks
  /\.pb\.(go|h|cc|swift|rs)$/,       // protoc output
  /_pb2(_grpc)?\.pyi?$/,
  /_(grpc_)?pb\.(js|d\.ts)$/,
  /\.pb\.gw\.go$/,
  /\.generated\./,
  /^zz_generated\./,                 // Kubernetes code generators
  /\.g\.(i\.)?cs$/,                  // C# source generators, XAML
  /\.designer\.cs$/,                 // WinForms/resx designers
  /\.freezed\.dart$/,
  /\.g\.dart$/,
];

/** Formats that are never text: images, media, fonts, archives, compiled and data files. */
const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png', '.jpg', '.jpeg', '.gif', '.bmp', '.ico', '.icns', '.webp', '.avif', '.tif', '.tiff',
  '.psd', '.heic', '.raw', '.xcf', '.sketch', '.fig',
  '.mp3', '.wav', '.ogg', '.flac', '.aac', '.m4a', '.opus', '.mid',
  '.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.wmv', '.flv',
  '.ttf', '.otf', '.woff', '.woff2', '.eot',
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.7z', '.rar', '.tar', '.lz', '.lz4', '.br',
  '.jar', '.war', '.ear', '.aar', '.apk', '.ipa', '.deb', '.rpm', '.dmg', '.iso', '.msi', '.vsix', '.nupkg', '.whl', '.egg', '.gem',
  '.o', '.obj', '.a', '.lib', '.so', '.dylib', '.dll', '.exe', '.pdb', '.ilk', '.class', '.pyc',
  '.pyo', '.pyd', '.wasm', '.beam', '.hi', '.dyn_hi', '.dyn_o', '.elc', '.rlib', '.rmeta', '.node', '.bin', '.dat',
  '.db', '.sqlite', '.sqlite3', '.mdb', '.parquet', '.arrow', '.feather', '.avro', '.orc', '.h5',
  '.hdf5', '.npy', '.npz', '.pkl', '.pickle', '.pt', '.pth', '.onnx', '.safetensors', '.ckpt', '.tflite', '.pb',
  '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx', '.odt', '.ods', '.odp', '.epub',
  '.swf', '.blend', '.fbx', '.glb', '.3ds', '.stl',
]);

/** Why a folder is built-in excluded, or undefined when it is walked. */
export function excludedDirReason(name: string): string | undefined {
  return EXCLUDED_DIRS.get(name);
}

/** 'lockfile' | 'generated' | 'binary' from the name alone, or undefined. */
export function classifyByName(relPath: string): SkipReason | undefined {
  const base = baseName(relPath).toLowerCase();
  if (LOCKFILE_NAMES.has(base) || LOCKFILE_PATTERNS.some((p) => p.test(base))) return 'lockfile';
  if (GENERATED_NAME_PATTERNS.some((p) => p.test(base))) return 'generated';
  if (BINARY_EXTENSIONS.has(extensionOf(base))) return 'binary';
  return undefined;
}
