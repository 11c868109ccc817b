// Python-style exceptions of the example. Each carries a traceback whose frames
// name real files and lines in src/semantic_ir/: the line numbers are looked up
// in the .py files at run time, so editing those files keeps them truthful.
import fs from 'node:fs';
import path from 'node:path';

/** Finds the 1-based line of `code` inside `def func(` in file; falls back to the def line, then 1. */
export function findLine(file, func, code) {
  let lines;
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return 1;
  }
  const def = lines.findIndex((l) => l.trimStart().startsWith(`def ${func}(`));
  if (def < 0) return 1;
  const hit = lines.findIndex((l, i) => i > def && l.trim() === code.trim());
  return (hit >= 0 ? hit : def) + 1;
}

export class PythonError extends Error {
  /**
   * @param {string} module e.g. `semantic_ir.errors`
   * @param {string} type e.g. `SemanticJoinError`
   * @param {string} message
   * @param {string} traceback full text ending with `<module>.<type>: <message>`
   * @param {{file: string, line: number, func: string}} innermost
   */
  constructor(module, type, message, traceback, innermost) {
    super(message);
    this.pyType = type;
    this.qualifiedType = module ? `${module}.${type}` : type;
    this.traceback = traceback;
    this.innermost = innermost;
  }
}

/**
 * @param {string} exampleDir
 * @param {{file: string, func: string, code: string}[]} frames outermost first, file relative to exampleDir
 */
export function pythonError(exampleDir, frames, module, type, message) {
  const out = ['Traceback (most recent call last):'];
  let innermost;
  for (const f of frames) {
    const file = path.join(exampleDir, f.file);
    const line = findLine(file, f.func, f.code);
    out.push(`  File "${file}", line ${line}, in ${f.func}`);
    out.push(`    ${f.code.trim()}`);
    innermost = { file, line, func: f.func };
  }
  out.push(`${module ? `${module}.` : ''}${type}: ${message}`);
  return new PythonError(module, type, message, out.join('\n'), innermost);
}

// The call chain from the CLI down to a view builder (src/semantic_ir/cli.py, runner.py).
const RUNNER_FRAMES = [
  { file: 'src/semantic_ir/cli.py', func: 'build_command', code: 'outputs = execute_plan(ctx, plan)' },
  { file: 'src/semantic_ir/runner.py', func: 'execute_plan', code: 'results[view.name] = execute_view(ctx, view.name)' },
  { file: 'src/semantic_ir/runner.py', func: 'execute_view', code: 'frame = builder(ctx)' },
];

/** The `fail` scenario's error: cpg_edges cannot plan its join (src/semantic_ir/cpg_edges.py). */
export function joinError(exampleDir) {
  return pythonError(exampleDir, [
    ...RUNNER_FRAMES,
    { file: 'src/semantic_ir/cpg_edges.py', func: 'build_cpg_edges', code: 'calls = _join_call_sites(ctx, defs, refs)' },
    { file: 'src/semantic_ir/cpg_edges.py', func: '_join_call_sites', code: 'raise SemanticJoinError(' },
  ], 'semantic_ir.errors', 'SemanticJoinError', "join key 'symbol_id' missing from relation 'bytecode_files'");
}

/** The `stall` scenario's error once the wait gives up (src/semantic_ir/readiness.py). */
export function notReadyError(exampleDir, view, dataset, waitedS, reason) {
  const builder = view.source?.function ?? 'build_view';
  return pythonError(exampleDir, [
    ...RUNNER_FRAMES,
    { file: view.source?.file ?? 'src/semantic_ir/symbols.py', func: builder, code: `symbols = wait_for_dataset(ctx, "${dataset}")` },
    { file: 'src/semantic_ir/readiness.py', func: 'wait_for_dataset', code: 'raise DatasetNotReadyError(' },
  ], 'semantic_ir.errors', 'DatasetNotReadyError', `dataset '${dataset}' not ready after ${waitedS.toFixed(1)}s: ${reason}`);
}

/** Raised into the running build when a signal arrives (Python's KeyboardInterrupt for SIGINT). */
export class Interrupted extends Error {
  constructor(signal) {
    super(signal === 'SIGINT' ? '' : `terminated by ${signal}`);
    this.signal = signal;
    this.pyType = signal === 'SIGINT' ? 'KeyboardInterrupt' : 'SystemExit';
    this.qualifiedType = this.pyType;
    this.traceback = undefined;
  }
}
