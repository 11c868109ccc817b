// `build-diag`: the headless face of the product (CI, the README demo, scripts).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuildSession, PreflightError, type SessionEvent } from '../launch/session.js';
import { LaunchError } from '../launch/process.js';
import { BundleError, REPORT_HTML } from '../bundle/writer.js';
import { BundleReadError } from '../bundle/runFile.js';
import { lazy } from '../core/lazy.js';
import { parseDatasetFlag, type DatasetDecl } from '../core/analysis/datasetCheck.js';
import { TOOL_VERSION } from '../core/version.js';
import { USAGE, UsageError, parseCli, type RunArgs } from './args.js';
import { ConfigUsageError, configCommand, configFromFlags } from './config.js';
import { ConfigFileError, SettingsError } from '../core/config/index.js';
import { RedactionConfigError } from '../core/safety/redact.js';
import { summaryJson, summaryText } from './summary.js';
import { LiveView } from './live.js';

// Only `build-diag report` needs these at start (a run loads its reports itself, later).
const reader = lazy(() => require('../bundle/reader.js') as typeof import('../bundle/reader.js'));
const reports = lazy(() => require('../bundle/reports.js') as typeof import('../bundle/reports.js'));
const importing = lazy(() => require('./import.js') as typeof import('./import.js'));
const bundleImport = lazy(() => require('../bundle/import.js') as typeof import('../bundle/import.js'));
const markdown = lazy(() => require('../core/report/markdown.js') as typeof import('../core/report/markdown.js'));

function fail(message: string, code = 2): never {
  process.stderr.write(`build-diag: ${message}\n`);
  process.exit(code);
}

async function runCommand(a: RunArgs): Promise<number> {
  let datasets: DatasetDecl[];
  try {
    datasets = a.datasets.map(parseDatasetFlag);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const config = configFromFlags(a.configFlags, a.cwd);
  // In --json mode stdout carries only the summary, so the build's stdout goes to stderr.
  const live = new LiveView(process.stderr, { tty: Boolean(process.stderr.isTTY) && !process.env.CI });
  const session = new BuildSession({
    argv: a.command,
    cwd: a.cwd,
    outDir: a.out ? resolve(a.out) : undefined,
    stallThresholdS: a.stallThresholdS,
    graceS: a.graceS,
    datasets,
    refuseNotReady: a.requireDatasets,
    protocol: a.protocol,
    shell: a.shell,
    // Unset unless given, so that a profile's capture defaults apply.
    artifactGlobs: a.artifacts.length > 0 ? a.artifacts : undefined,
    defaultPorts: a.defaultPorts || undefined,
    ...config,
    onOutput: (stream, chunk) => live.output(stream === 'stdout' && !a.json ? process.stdout : process.stderr, chunk),
  });
  session.on((e: SessionEvent) => live.event(e, session.store));
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    live.note(interrupts === 1 ? 'cancelling the build (Ctrl-C again to stop waiting for telemetry)…' : 'stopping now');
    if (interrupts === 1) void session.cancel();
    else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const result = await session.run();
    live.stop();
    if (a.json) process.stdout.write(JSON.stringify(summaryJson(result.report, result.bundleDir), null, 2) + '\n');
    else {
      process.stderr.write(summaryText(result.report, result.bundleDir));
      const html = join(result.bundleDir, REPORT_HTML);
      if (existsSync(html)) process.stderr.write(`  report: ${html}\n`);
    }
    return result.exitCode;
  } catch (e) {
    live.stop();
    if (e instanceof LaunchError) fail(e.message, e.code === 'ENOENT' ? 127 : 126);
    if (e instanceof BundleError || e instanceof PreflightError) fail(e.message, 2);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

function reportCommand(bundleDir: string, format: 'md' | 'json' | 'html'): number {
  const loaded = reader().loadBundle(resolve(bundleDir));
  const { bundleArtifactFigures, withLinks, writeReports } = reports();
  for (const w of loaded.warnings) process.stderr.write(`build-diag: ${w}\n`);
  const { report, htmlPath, htmlError } = writeReports(loaded, {
    store: loaded.store,
    run: loaded.run,
    workspaceRoot: loaded.run.cwd,
    taskAttributes: loaded.run.taskAttributes,
    partial: loaded.partial,
    warnings: loaded.warnings,
    ...bundleArtifactFigures(loaded.dir, loaded.run),
  });
  if (htmlError) process.stderr.write(`build-diag: ${htmlError}\n`);
  if (format === 'json') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (format === 'html') {
    if (!htmlPath) return 1;
    process.stdout.write(`${htmlPath}\n`);
  } else process.stdout.write(withLinks(markdown().renderMarkdown(report), loaded.run.links));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv);
  switch (args.kind) {
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case 'version':
      process.stdout.write(`build-diag ${TOOL_VERSION}\n`);
      return 0;
    case 'run':
      return runCommand(args);
    case 'report':
      return reportCommand(args.bundle, args.format);
    case 'config':
      return configCommand({ cwd: args.cwd, json: args.json, protocol: args.protocol, config: configFromFlags(args.configFlags, args.cwd) });
    case 'import':
      return importing().importCommand(args);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a build's exporter or a stray handle must not keep the CLI alive.
    process.exit(code);
  },
  (e: unknown) => {
    if (e instanceof UsageError) fail(`${e.message}\n${USAGE}`, 2);
    if (e instanceof BundleReadError) fail(e.message, 2);
    if (e instanceof ConfigUsageError) fail(`${e.message}\n${USAGE}`, 2);
    // Invalid settings/flags or config files: a clear error before anything was launched.
    if (e instanceof SettingsError || e instanceof ConfigFileError || e instanceof RedactionConfigError || e instanceof bundleImport().ImportError) fail(e.message, 2);
    fail(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 70);
  },
);
