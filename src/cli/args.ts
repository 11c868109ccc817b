// Argument parsing for `build-diag`. Everything before `--` is ours; everything after is the
// build's command line, passed on untouched (and never recorded beyond its first token).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_OPTIONS, CONFIG_USAGE } from './config.js';

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
${CONFIG_USAGE}
  build-diag config [--cwd DIR] [--protocol P] [--json] [configuration options as for run]
      show the build's effective OpenTelemetry configuration: every variable, its value
      (secrets masked) and where it came from; checks config files as a launch would
  build-diag import [--out DIR] [--cwd DIR] [--format md|json] [--debug] <file.jsonl>
      load an OTLP JSON-lines file (e.g. a bundle's telemetry.otlp.jsonl, a CI artifact)
      as a new run bundle and write its reports
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
  /** Raw configuration flags (src/cli/config.ts). */
  configFlags: ConfigFlagValues;
}
export type ConfigFlagValues = Record<string, string | string[] | boolean | undefined>;
export interface ConfigArgs {
  kind: 'config';
  cwd: string;
  json: boolean;
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  configFlags: ConfigFlagValues;
}
export interface ImportArgs {
  kind: 'import';
  file: string;
  out?: string;
  cwd: string;
  format: 'md' | 'json';
  debug: boolean;
}
export interface ReportArgs {
  kind: 'report';
  bundle: string;
  format: 'md' | 'json' | 'html';
}
export type CliArgs = RunArgs | ReportArgs | ConfigArgs | ImportArgs | { kind: 'help' } | { kind: 'version' };

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
      ...CONFIG_OPTIONS,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}': put the build's command after --, e.g. build-diag run -- python -m build`);
    if (command.length === 0) throw new UsageError('no command given: build-diag run [options] -- <command> [args...]');
    const protocol = checkProtocol(values.protocol as string | undefined);
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
      configFlags: pickConfig(values),
    };
  }
  if (sub === 'config') {
    const dd = rest.indexOf('--');
    const { values, positionals } = parse(dd === -1 ? rest : rest.slice(0, dd), {
      cwd: { type: 'string' },
      protocol: { type: 'string' },
      json: { type: 'boolean' },
      ...CONFIG_OPTIONS,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}'`);
    return {
      kind: 'config',
      cwd: (values.cwd as string | undefined) ?? process.cwd(),
      json: Boolean(values.json),
      protocol: checkProtocol(values.protocol as string | undefined),
      configFlags: pickConfig(values),
    };
  }
  if (sub === 'import') {
    const { values, positionals } = parse(rest, {
      out: { type: 'string' },
      cwd: { type: 'string' },
      format: { type: 'string' },
      debug: { type: 'boolean' },
    });
    const format = (values.format as string | undefined) ?? 'md';
    if (format !== 'md' && format !== 'json') throw new UsageError(`--format must be md or json, not '${format}'`);
    if (positionals.length !== 1) throw new UsageError('build-diag import takes one OTLP JSON-lines file');
    return {
      kind: 'import',
      file: positionals[0]!,
      out: values.out as string | undefined,
      cwd: (values.cwd as string | undefined) ?? process.cwd(),
      format,
      debug: Boolean(values.debug),
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

function checkProtocol(protocol: string | undefined): 'http/protobuf' | 'http/json' | 'grpc' | undefined {
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json' && protocol !== 'grpc') {
    throw new UsageError(`--protocol must be http/protobuf, http/json or grpc, not '${protocol}'`);
  }
  return protocol;
}

function pickConfig(values: Record<string, unknown>): ConfigFlagValues {
  const out: ConfigFlagValues = {};
  for (const k of Object.keys(CONFIG_OPTIONS)) {
    const v = values[k];
    if (v !== undefined) out[k] = v as string | string[] | boolean;
  }
  return out;
}
