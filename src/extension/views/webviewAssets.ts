/**
 * Where a webview's scripts, styles and codicons live, and the options that confine it to them.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { createNonce, webviewShell } from './html';

export class WebviewAssets {
  private readonly media: vscode.Uri;
  private readonly codicons: vscode.Uri;

  constructor(extensionUri: vscode.Uri) {
    this.media = vscode.Uri.joinPath(extensionUri, 'media');
    // The build copies the codicon font and stylesheet into dist/codicons; in a development
    // checkout without that step, they are taken from the npm package.
    const built = vscode.Uri.joinPath(extensionUri, 'dist', 'codicons');
    this.codicons = fs.existsSync(vscode.Uri.joinPath(built, 'codicon.css').fsPath)
      ? built
      : vscode.Uri.joinPath(extensionUri, 'node_modules', '@vscode', 'codicons', 'dist');
  }

  options(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [this.media, this.codicons] };
  }

  html(webview: vscode.Webview, title: string, script: string, body: string): string {
    return webviewShell({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      title,
      styles: [
        webview.asWebviewUri(vscode.Uri.joinPath(this.codicons, 'codicon.css')).toString(),
        webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'views.css')).toString(),
      ],
      script: webview.asWebviewUri(vscode.Uri.joinPath(this.media, script)).toString(),
      body,
    });
  }
}
