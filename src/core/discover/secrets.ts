/**
 * The secret deny-list. It is checked before any ignore file or user include, so that no
 * `!` negation and no include glob can bring a credential into the index.
 * Code files that merely have a secret-sounding name (`credentials.ts`) stay indexable:
 * only data and key formats are denied.
 */
import { baseName, extensionOf } from './languages';

/** Exact file names (lower case) that hold credentials by convention. */
const SECRET_FILE_NAMES: ReadonlySet<string> = new Set([
  '.env', '.envrc', '.npmrc', '.yarnrc', '.yarnrc.yml', '.pypirc', '.netrc', '_netrc',
  '.git-credentials', '.gitcookies', '.pgpass', '.my.cnf', '.htpasswd', '.boto', '.s3cfg',
  '.dockercfg', '.vault-token', '.terraformrc', 'terraform.rc', 'terraform.tfvars',
  'credentials', 'kubeconfig', 'wp-config.php', 'secring.gpg', 'known_hosts', 'authorized_keys',
]);

/** Extensions of key stores, certificates with keys, password databases and infra state. */
const SECRET_EXTENSIONS: ReadonlySet<string> = new Set([
  '.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.kdbx', '.kdb', '.ppk', '.asc',
  '.gpg', '.pgp', '.ovpn', '.tfstate', '.tfvars', '.secret', '.secrets', '.env', '.enc',
  '.age', '.cer', '.crt', '.der', '.p8', '.mobileprovision',
]);

/** Name patterns (tested on the lower-case base name). */
const SECRET_NAME_PATTERNS: readonly RegExp[] = [
  /^\.env\./,                                                // .env.local, .env.production
  /^id_(rsa|dsa|ecdsa|ed25519)/,                             // SSH keys, public ones too (kept simple)
  /^credentials\.(json|ya?ml|xml|ini|toml|txt|cfg|conf)$/,
  /^secrets?\.(json|ya?ml|toml|ini|txt|cfg|conf|properties)$/,
  /service[-_]?account.*\.json$/,                            // cloud service-account keys
  /\.tfstate\.backup$/,
];

/** Templates that hold variable names, never values: indexed as documentation of settings. */
const SECRET_TEMPLATE_NAMES: ReadonlySet<string> = new Set(['.env.example', '.env.sample', '.env.template']);

/** Folders whose whole content is credentials. */
const SECRET_DIR_NAMES: ReadonlySet<string> = new Set(['.ssh', '.gnupg', '.password-store']);

/** Parent folder + file name pairs that hold credentials (e.g. `.aws/credentials`, `.kube/config`). */
const SECRET_NESTED_PATHS: ReadonlySet<string> = new Set([
  '.aws/config', '.kube/config', '.docker/config.json', '.gem/credentials', '.cargo/credentials',
  '.cargo/credentials.toml', '.config/gh/hosts.yml',
]);

/** True for a folder whose whole content is credentials (`.ssh`, `.gnupg`). */
export function isSecretDir(name: string): boolean {
  return SECRET_DIR_NAMES.has(name.toLowerCase());
}

/** True for a file path, relative to the root with forward slashes, that must never be indexed. */
export function isSecretPath(relPath: string): boolean {
  const lower = relPath.toLowerCase();
  const base = baseName(lower);
  if (SECRET_TEMPLATE_NAMES.has(base)) return false;
  if (SECRET_FILE_NAMES.has(base)) return true;
  if (SECRET_EXTENSIONS.has(extensionOf(base))) return true;
  if (SECRET_NAME_PATTERNS.some((pattern) => pattern.test(base))) return true;
  const segments = lower.split('/');
  if (segments.slice(0, -1).some((segment) => SECRET_DIR_NAMES.has(segment))) return true;
  for (const nested of SECRET_NESTED_PATHS) {
    if (lower === nested || lower.endsWith(`/${nested}`)) return true;
  }
  return false;
}
