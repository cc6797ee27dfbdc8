/** Ends a test file's session: final screenshot, browser closed, console and logs kept, code-server stopped. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stopCodeServer } from './codeServer.mjs';
import { keepLogs } from './logs.mjs';

export async function endSession(wb, server, artefacts) {
  await wb?.shot('final');
  await wb?.browser.close();
  // The browser's console (webviews' frames included) tells why a view stayed blank.
  if (wb) writeFileSync(path.join(wb.dir, 'browser-console.log'), wb.consoleLines.join('\n') + '\n');
  if (server) {
    keepLogs(server, artefacts);
    await stopCodeServer(server);
  }
}
