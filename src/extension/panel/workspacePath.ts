// Telemetry names files (code.* attributes, traceback frames); the panel opens one only
// when it is really inside the workspace, so a crafted path cannot open arbitrary files.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** The real path of `file` (absolute, or relative to a folder) when it exists inside one of
 * `folders`; undefined otherwise. Symlinks are resolved before the containment check. */
export function resolveInWorkspace(file: string, folders: string[]): string | undefined {
  for (const folder of folders) {
    const candidate = isAbsolute(file) ? file : resolve(folder, file);
    if (!existsSync(candidate)) continue;
    let real: string;
    let root: string;
    try {
      real = realpathSync(candidate);
      root = realpathSync(folder);
    } catch {
      continue;
    }
    const rel = relative(root, real);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return real;
  }
  return undefined;
}
