// HTML escaping for the placeholder panel (no `vscode`, unit-tested).
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
