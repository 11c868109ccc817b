// The panel webview's HTML: a fixed shell with our nonce'd script and stylesheet from the
// built webview folder, CSP `default-src 'none'`. No run data is ever put into this HTML;
// it arrives by postMessage after the app says it is ready.
import { randomBytes } from 'node:crypto';

export interface WebviewLike {
  cspSource: string;
}

/** Nonce from a CSPRNG (CSP3 asks for at least 128 bits). */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function panelHtml(webview: WebviewLike, scriptUri: string, styleUri: string, nonce: string = makeNonce()): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource} data:`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${nonce}" href="${styleUri}">
<title>Build Diagnostics</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
