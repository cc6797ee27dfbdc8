// The logs code-server writes under the user-data dir: the extension host's log (which
// records activations and activation errors) and the extensions' own output logs.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './vsix.mjs';
import { EXTENSION_ID } from './codeServer.mjs';

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Every log file of this user-data dir. */
export const logFiles = (server) => files(path.join(server.dirs.userData, 'logs'));

/** The extension host logs' text, concatenated. */
export function extHostLog(server) {
  return logFiles(server)
    .filter((f) => /exthost\d*[\\/]remoteexthost\.log$/.test(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/** Lines of the extension host log that report an error of our extension. */
export function activationErrors(log) {
  const lines = log.split('\n');
  const ours = new RegExp(`${EXTENSION_ID.replace('.', '\\.')}|quarry`, 'i');
  return lines.filter((l, i) => {
    if (!/\[error\]/i.test(l) && !/failed/i.test(l)) return false;
    // An error line names the extension itself or is followed by its stack through dist/.
    return ours.test(l) || /dist[\\/](extension|server)\.js/.test(lines[i + 1] ?? '');
  });
}

/** Error lines of the extension's own log (its "Quarry" output channel). */
export function quarryLogErrors(server) {
  return logFiles(server)
    .filter((f) => f.includes(`${EXTENSION_ID}`) && f.endsWith('.log'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => /\[error\]/i.test(l));
}

/** True once the extension host logged the start of our activation. */
export const activationStarted = (log) => log.includes(`_doActivateExtension ${EXTENSION_ID}`);

/** Copies the code-server output and all logs into the test's artefact folder. */
export function keepLogs(server, artefactDir) {
  const dest = path.join(REPO, 'test-artifacts/e2e', artefactDir, 'logs');
  mkdirSync(dest, { recursive: true });
  const logs = path.join(server.dirs.userData, 'logs');
  if (existsSync(logs)) cpSync(logs, dest, { recursive: true });
  if (existsSync(server.logFile)) cpSync(server.logFile, path.join(dest, 'code-server.log'));
}
