// Argument parsing for `build-diag`. Everything before `--` is ours; everything after is the
// build's command line, passed on untouched (and never recorded beyond its first token).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export const USAGE = `Usage:
  build-diag run [options] -- <command> [args...]
      --out DIR               bundle folder (default: <cwd>/.build-diagnostics/runs/<runId>)
      --cwd DIR               working directory of the build (default: current)
      --stall-threshold SEC   no progress for this long is a stall (default 30)
      --grace SEC             wait this long after exit for late telemetry (default 2)
      --dataset NAME=PATH[:FORMAT]  declare an input dataset (repeatable; FORMAT delta|parquet|csv|dir)
      --require-datasets      refuse to launch when a declared dataset is not ready
      --protocol P            http/protobuf (default), http/json or grpc for the build's exporters
      --artifacts GLOB        keep and read files the build writes (repeatable; relative to --cwd)
      --default-ports         also accept OTLP on 127.0.0.1:4318/4317 while the build runs
      --shell                 run the command through the shell
      --json                  print the summary as JSON on stdout
  build-diag report [--format md|json|html] <bundle-dir>
      rebuild report.json, report.md and report.html from the bundle alone; print the
      markdown or the JSON, or the path of the self-contained HTML page
  build-diag --help | --version`;

export interface RunArgs {
  kind: 'run';
  out?: string;
  cwd: string;
  stallThresholdS: number;
  graceS: number;
  datasets: string[];
  requireDatasets: boolean;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  artifacts: string[];
  defaultPorts: boolean;
  shell: boolean;
  json: boolean;
  command: string[];
}
export interface ReportArgs {
  kind: 'report';
  bundle: string;
  format: 'md' | 'json' | 'html';
}
export type CliArgs = RunArgs | ReportArgs | { kind: 'help' } | { kind: 'version' };

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    // node's messages are good ("Unknown option '--x'"); drop its hint about `--`.
    throw new UsageError((e instanceof Error ? e.message : String(e)).split('. To specify')[0]!);
  }
}

function seconds(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || v.trim() === '') throw new UsageError(`--${name} takes a number of seconds ≥ 0, not '${v}'`);
  return n;
}

export function parseCli(argv: string[]): CliArgs {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return { kind: 'help' };
  if (sub === '--version' || sub === '-v') return { kind: 'version' };
  if (sub === 'run') {
    const dd = rest.indexOf('--');
    const ours = dd === -1 ? rest : rest.slice(0, dd);
    const command = dd === -1 ? [] : rest.slice(dd + 1);
    const { values, positionals } = parse(ours, {
      out: { type: 'string' },
      cwd: { type: 'string' },
      'stall-threshold': { type: 'string' },
      grace: { type: 'string' },
      dataset: { type: 'string', multiple: true },
      'require-datasets': { type: 'boolean' },
      protocol: { type: 'string' },
      artifacts: { type: 'string', multiple: true },
      'default-ports': { type: 'boolean' },
      shell: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}': put the build's command after --, e.g. build-diag run -- python -m build`);
    if (command.length === 0) throw new UsageError('no command given: build-diag run [options] -- <command> [args...]');
    const protocol = values.protocol as string | undefined;
    if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json' && protocol !== 'grpc') {
      throw new UsageError(`--protocol must be http/protobuf, http/json or grpc, not '${protocol}'`);
    }
    return {
      kind: 'run',
      out: values.out as string | undefined,
      cwd: (values.cwd as string | undefined) ?? process.cwd(),
      stallThresholdS: seconds('stall-threshold', values['stall-threshold'] as string | undefined, 30),
      graceS: seconds('grace', values.grace as string | undefined, 2),
      datasets: (values.dataset as string[] | undefined) ?? [],
      requireDatasets: Boolean(values['require-datasets']),
      protocol,
      artifacts: (values.artifacts as string[] | undefined) ?? [],
      defaultPorts: Boolean(values['default-ports']),
      shell: Boolean(values.shell),
      json: Boolean(values.json),
      command,
    };
  }
  if (sub === 'report') {
    const { values, positionals } = parse(rest, { format: { type: 'string' } });
    const format = (values.format as string | undefined) ?? 'md';
    if (format !== 'md' && format !== 'json' && format !== 'html') throw new UsageError(`--format must be md, json or html, not '${format}'`);
    if (positionals.length !== 1) throw new UsageError('build-diag report takes one bundle folder');
    return { kind: 'report', bundle: positionals[0]!, format };
  }
  throw new UsageError(`unknown command '${sub}' (try build-diag --help)`);
}
