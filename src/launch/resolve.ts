// Pre-flight checks for a launch: we resolve argv[0] on PATH and check the working directory
// ourselves, BEFORE spawning, because node only reports these failures asynchronously as a
// generic 'error' event (spawn ENOENT does not even say whether the command or the cwd was
// missing). The caller gets one LaunchError with a one-line message it can print as is.

import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export type LaunchErrorCode = 'ENOENT' | 'EACCES' | 'ENOCWD' | 'EEMPTY' | 'ESPAWN';

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
  constructor(
    message: string,
    readonly code: LaunchErrorCode,
  ) {
    super(message);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws LaunchError unless `cwd` is an existing, enterable directory. */
export function checkCwd(cwd: string): void {
  const st = statOrUndefined(cwd);
  if (!st) throw new LaunchError(`working directory does not exist: ${cwd}`, 'ENOCWD');
  if (!st.isDirectory()) throw new LaunchError(`working directory is not a directory: ${cwd}`, 'ENOCWD');
  if (!isExecutable(cwd)) throw new LaunchError(`working directory is not accessible: ${cwd}`, 'ENOCWD');
}

/** The absolute path execvp would run for `command`, following POSIX rules: a name with a
 * slash is taken relative to cwd; otherwise each PATH entry is tried in order (an empty
 * entry means the cwd); a match that exists but is not executable gives EACCES only when
 * no executable match exists. */
export function resolveCommand(command: string, cwd: string, pathVar: string | undefined): string {
  if (command === '') throw new LaunchError('no command given', 'EEMPTY');
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(cwd, command);
    const st = statOrUndefined(full);
    if (!st) throw new LaunchError(`command not found: ${command}`, 'ENOENT');
    if (st.isDirectory()) throw new LaunchError(`command is a directory: ${command}`, 'EACCES');
    if (!isExecutable(full)) throw new LaunchError(`permission denied: ${command} (not executable)`, 'EACCES');
    return full;
  }
  if (pathVar === undefined || pathVar === '') {
    throw new LaunchError(`command not found: ${command} (PATH is not set)`, 'ENOENT');
  }
  let denied: string | undefined;
  for (const dir of pathVar.split(delimiter)) {
    const candidate = resolve(cwd, join(dir === '' ? '.' : dir, command));
    const st = statOrUndefined(candidate);
    if (!st || st.isDirectory()) continue;
    if (isExecutable(candidate)) return candidate;
    denied ??= candidate;
  }
  if (denied) throw new LaunchError(`permission denied: ${denied} (not executable)`, 'EACCES');
  throw new LaunchError(`command not found: ${command} (searched PATH)`, 'ENOENT');
}
