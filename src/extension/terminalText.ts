// Text for a task's pseudoterminal (no `vscode`, unit-tested).

/** Terminals want CRLF; a lone LF would staircase the output. */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
