/**
 * The HTML shell of a webview: a strict Content Security Policy (nothing but our own
 * stylesheets, fonts and one nonce'd script), no remote resources. Pure, no `vscode` import.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './escape';

export interface ShellOptions {
  /** The webview's `cspSource`. */
  cspSource: string;
  nonce: string;
  title: string;
  styles: string[];
  script: string;
  /** Trusted markup built by the view from escaped parts. */
  body: string;
}

/** A fresh nonce from the system's cryptographic random source. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function webviewShell(o: ShellOptions): string {
  const csp = [
    `default-src 'none'`,
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const styles = o.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(o.title)}</title>
</head>
<body>
${o.body}
<script nonce="${o.nonce}" src="${escapeHtml(o.script)}"></script>
</body>
</html>`;
}
