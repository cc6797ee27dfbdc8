/** Ends a test file's session: final screenshot, browser closed, logs kept, code-server stopped. */
import { stopCodeServer } from './codeServer.mjs';
import { keepLogs } from './logs.mjs';

export async function endSession(wb, server, artefacts) {
  await wb?.shot('final');
  await wb?.browser.close();
  if (server) {
    keepLogs(server, artefacts);
    await stopCodeServer(server);
  }
}
