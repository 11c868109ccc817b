// Source paths from stack frames and span attributes, resolved against the workspace.
// Pure string work (no node:path) so it behaves the same for POSIX and Windows paths in any
// host: frames may come from another machine's build.

/** Folders of installed code: a frame there is never "the user's code", even when the
 * virtualenv or node_modules sits inside the workspace. */
const VENDORED = /(^|\/)(site-packages|dist-packages|node_modules|\.venv|venv|__pypackages__)(\/|$)/i;

function isWindowsAbs(p: string): boolean {
  return /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Forward slashes, `.`/`..` collapsed, `file://` URLs decoded. Returns undefined for
 * pseudo-files (`<frozen runpy>`, `<string>`, `node:internal/…`, `native`). */
export function normalizePath(raw: string): string | undefined {
  let p = raw.trim();
  if (p === '' || p.startsWith('<') || /^node:/.test(p) || p === 'native' || p.length > 4096) return undefined;
  if (p.startsWith('file://')) {
    try {
      p = decodeURIComponent(p.slice('file://'.length));
    } catch {
      p = p.slice('file://'.length);
    }
    if (/^\/[a-zA-Z]:\//.test(p)) p = p.slice(1); // file:///C:/x
  }
  const windows = isWindowsAbs(p);
  p = p.replace(/\\/g, '/');
  const absolute = p.startsWith('/') || windows;
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!absolute) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  if (windows) return joined;
  return absolute ? `/${joined}` : joined;
}

function isAbs(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:\//.test(p);
}

/** Windows drive letters and UNC paths compare case-insensitively. */
function sameCase(p: string): boolean {
  return !/^[a-zA-Z]:\//.test(p);
}

/** The path relative to `workspaceRoot` when the file is inside it and not vendored code;
 * undefined otherwise. Relative input is read as relative to the workspace. */
export function workspaceRelative(file: string, workspaceRoot: string): string | undefined {
  const root = normalizePath(workspaceRoot);
  const p = normalizePath(file);
  if (root === undefined || p === undefined) return undefined;
  let rel: string;
  if (!isAbs(p)) {
    if (p.startsWith('..')) return undefined;
    rel = p;
  } else {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    const inside = sameCase(root) ? p.startsWith(prefix) : p.toLowerCase().startsWith(prefix.toLowerCase());
    if (!inside) return undefined;
    rel = p.slice(prefix.length);
  }
  if (rel === '' || VENDORED.test(rel)) return undefined;
  return rel;
}
