// One build run, end to end: receiver + root span + child process + stdio capture + live
// monitor + bundle + final report. Used by the CLI and by the extension (no vscode here).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LogRecord, Resource, Scope, TelemetryBatch } from '../core/model.js';
import { RunStore, type IngestDelta } from '../core/store.js';
import { RUN_SCHEMA, cliExitCode, commandName, decideOutcome, uuidv7, type RunInfo } from '../core/run.js';
import { reportedResult } from '../core/analysis/outcome.js';
import { logsToOtlp } from '../core/otlp/index.js';
import { STDIO_SCOPE_NAME } from '../core/otlp/normalize.js';
import { startReceiver, type Receiver, type ReceivedExport } from '../receiver/index.js';
import { endpointsFor, startGrpcReceiver } from '../receiver/grpc.js';
import { DefaultPortListener } from '../receiver/defaultPorts.js';
import { ArtifactCollector, importArtifactFiles } from '../bundle/artifacts.js';
import { BundleWriter } from '../bundle/writer.js';
import { writeReports } from '../bundle/reports.js';
import { checkDataset, readinessEvent, type DatasetDecl } from '../core/analysis/datasetCheck.js';
import { StallMonitor } from '../core/analysis/monitor.js';
import type { DatasetState, Report, Stall } from '../core/report/schema.js';
import { buildChildEnv } from './env.js';
import { spawnBuild, type SpawnedBuild } from './process.js';
import { LineSplitter } from './lines.js';
import { lineToLogRecord } from './stdioLogs.js';
import { startRootSpan, type RootSpanHandle } from './rootSpan.js';
import { sampleProcessTree } from './procstat.js';
import { TOOL_VERSION } from '../core/version.js';

export interface SessionOptions {
  argv: string[];
  cwd: string;
  /** Bundle folder; default `<cwd>/.build-diagnostics/runs/<runId>`. */
  outDir?: string;
  stallThresholdS?: number;
  /** Seconds to wait after exit for late telemetry. */
  graceS?: number;
  datasets?: DatasetDecl[];
  /** Refuse to launch when a required dataset is not ready (default: warn and launch). */
  refuseNotReady?: boolean;
  userEnv?: NodeJS.ProcessEnv;
  /** Variables set explicitly for this run: they win over everything. */
  runEnv?: Record<string, string>;
  /** What the build's exporters speak; the launcher points them at the matching receiver. */
  protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  /** Globs (relative to cwd) of files the build writes that we keep and read: its own
   * telemetry dumps and diagnostics reports (docs/artifacts.md). */
  artifactGlobs?: string[];
  /** Also listen on the standard OTLP ports 4318/4317 while this run is active: `true` for a
   * listener of the run's own, or a long-lived listener shared across runs (the extension). */
  defaultPorts?: boolean | DefaultPortListener;
  shell?: boolean;
  buildName?: string;
  taskAttributes?: string[];
  /** Called with the child's raw output, for live pass-through. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

export type SessionEvent =
  | { type: 'ingest'; delta: IngestDelta }
  | { type: 'stall'; stall: Stall; state: 'start' | 'update' | 'end' }
  | { type: 'warning'; message: string }
  | { type: 'preflight'; datasets: DatasetState[] }
  | { type: 'finished'; info: RunInfo; report: Report };

export class PreflightError extends Error {
  constructor(readonly datasets: DatasetState[]) {
    super(
      `required dataset(s) not ready: ${datasets.map((d) => `${d.dataset} (${d.status}${d.path ? `: ${d.path}` : ''})`).join(', ')}; not launching`,
    );
  }
}

const STDIO_RESOURCE: Resource = { attributes: { 'service.name': 'build-diagnostics' } };
const STDOUT_SCOPE: Scope = { name: STDIO_SCOPE_NAME };
const MONITOR_INTERVAL_MS = 1000;
const ARTIFACT_SWEEP_MS = 10_000;

export interface SessionResult {
  info: RunInfo;
  report: Report;
  exitCode: number;
  bundleDir: string;
}

export class BuildSession {
  readonly runId = uuidv7();
  readonly store = new RunStore();
  readonly bundleDir: string;
  info: RunInfo;
  private bundle!: BundleWriter;
  private receiver: Receiver | undefined;
  private grpc: { url: string; close(): Promise<void> } | undefined;
  private defaultPorts: DefaultPortListener | undefined;
  private ownsDefaultPorts = false;
  private artifacts: ArtifactCollector | undefined;
  private artifactTimer: NodeJS.Timeout | undefined;
  private root: RootSpanHandle | undefined;
  private child: SpawnedBuild | undefined;
  private monitor: StallMonitor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cancelled = false;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private readonly warnings: string[] = [];
  private readonly opts: Required<Pick<SessionOptions, 'stallThresholdS' | 'graceS'>> & SessionOptions;

  constructor(opts: SessionOptions) {
    this.opts = { stallThresholdS: 30, graceS: 2, ...opts };
    const cwd = resolve(opts.cwd);
    this.bundleDir = resolve(opts.outDir ?? join(cwd, '.build-diagnostics', 'runs', this.runId));
    this.info = {
      schema: RUN_SCHEMA,
      runId: this.runId,
      command: commandName(opts.argv),
      tokenCount: opts.argv.length,
      cwd,
      startedAt: new Date().toISOString(),
      endedAt: null,
      durationMs: null,
      exitCode: null,
      signal: null,
      reportedExitCode: null,
      outcome: 'running',
      errorType: null,
      traceId: '',
      buildName: opts.buildName ?? null,
      pid: null,
      warnings: [],
      toolVersion: TOOL_VERSION,
      ...(opts.taskAttributes ? { taskAttributes: opts.taskAttributes } : {}),
    };
  }

  on(listener: (e: SessionEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a view's bug must not break the run
      }
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.emit({ type: 'warning', message });
  }

  /** Store and persist a batch we produced ourselves (stdio lines, monitor observations). */
  private ingestOwn(records: LogRecord[]): void {
    if (records.length === 0) return;
    this.bundle.appendRequest(logsToOtlp(records));
    this.store.ingest({ spans: [], logs: records, metrics: [] });
  }

  /** Run the build to the end. Throws LaunchError / BundleError / PreflightError before
   * anything was launched; after launch it always resolves with the run's result. */
  async run(): Promise<SessionResult> {
    const startMs = Date.now();
    this.store.onIngest((delta) => this.emit({ type: 'ingest', delta }));
    const preflight = (this.opts.datasets ?? []).map((d) => checkDataset(d, this.info.cwd, 'preflight'));
    const notReady = preflight.filter((d) => d.required !== false && d.status !== 'ok' && d.status !== 'remote_path');
    if (notReady.length > 0 && this.opts.refuseNotReady) throw new PreflightError(notReady);

    this.bundle = BundleWriter.create(this.bundleDir, this.info, { onError: (m) => this.warn(m) });
    const token = randomBytes(32).toString('hex');
    try {
      const sink = (exp: ReceivedExport) => {
        this.bundle.appendRequest(exp.request);
        this.store.ingest(exp.batch);
      };
      this.receiver = await startReceiver({ token, onExport: sink });
      if (this.opts.protocol === 'grpc') this.grpc = await startGrpcReceiver({ token, onExport: sink });
      await this.attachDefaultPorts(sink);
      this.root = startRootSpan({
        endpoint: this.receiver.url,
        token,
        runId: this.runId,
        command: this.info.command,
        tokenCount: this.info.tokenCount,
        serviceVersion: TOOL_VERSION,
        cwd: this.info.cwd,
      });
      this.info.traceId = this.root.traceId;
      if (preflight.length > 0) {
        this.emit({ type: 'preflight', datasets: preflight });
        this.ingestOwn(preflight.map(readinessEvent));
        for (const d of notReady) this.warn(`dataset ${d.dataset} is not ready (${d.status}${d.reason ? `: ${d.reason}` : ''})`);
      }
      const { env, warnings } = buildChildEnv({
        ...endpointsFor(this.opts.protocol ?? 'http/protobuf', { httpUrl: this.receiver.url, grpcUrl: this.grpc?.url }),
        token,
        traceparent: this.root.traceparent,
        runId: this.runId,
        userEnv: this.opts.userEnv ?? process.env,
        runEnv: this.opts.runEnv,
      });
      for (const w of warnings) this.warn(w);
      this.startArtifacts(startMs);
      this.child = spawnBuild({ argv: this.opts.argv, cwd: this.info.cwd, env, shell: this.opts.shell });
    } catch (e) {
      // Nothing was launched: leave no half-made bundle or server behind.
      await this.teardown();
      rmSync(this.bundleDir, { recursive: true, force: true });
      throw e;
    }
    if (this.cancelled) void this.child.cancel();
    this.info.pid = this.child.pid;
    this.root.setPid(this.child.pid);
    this.bundle.writeRunInfo(this.info);
    this.captureStream('stdout', this.child.stdout);
    this.captureStream('stderr', this.child.stderr);
    this.startMonitor();

    const exit = await this.child.exited;
    this.flushStreams();
    await delay(this.opts.graceS * 1000);
    this.stopMonitor();
    this.defaultPorts?.detach();
    // After the grace period, so that what OTLP delivered is kept and the files' copies of
    // the same spans are the duplicates (they lack parent ids).
    const imported = this.finishArtifacts();

    const reported = reportedResult(this.store);
    const decided = decideOutcome({ exitCode: exit.code, signal: exit.signal, cancelled: this.cancelled }, reported);
    const endMs = Date.now();
    Object.assign(this.info, {
      endedAt: new Date(endMs).toISOString(),
      durationMs: endMs - startMs,
      exitCode: exit.code,
      signal: exit.signal,
      reportedExitCode: reported.reportedExitCode,
      outcome: decided.outcome,
      errorType: decided.errorType,
    });
    try {
      await this.root!.end({
        outcome: decided.outcome,
        exitCode: exit.code,
        signal: exit.signal,
        reportedExitCode: reported.reportedExitCode,
        errorType: decided.errorType ?? undefined,
      });
    } catch (e) {
      this.warn(`the build.invocation span could not be recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
    await this.teardown();
    if (this.store.truncated()) this.warn('some telemetry was dropped at the store caps; figures cover what was kept');
    this.info.warnings = [...this.warnings];
    this.bundle.writeRunInfo(this.info);
    const { report, htmlError } = writeReports(this.bundle, {
      store: this.store,
      run: this.info,
      workspaceRoot: this.info.cwd,
      taskAttributes: this.opts.taskAttributes,
      diagnosticsReport: imported?.diagnosticsReport,
      buildSays: imported?.buildSays,
    });
    if (htmlError) this.warn(htmlError);
    this.bundle.close();
    this.emit({ type: 'finished', info: this.info, report });
    return { info: this.info, report, exitCode: cliExitCode(this.info), bundleDir: this.bundleDir };
  }

  /** Stop the build: SIGINT, SIGTERM, then SIGKILL to the whole process tree. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    // Before the child exists (receiver still starting) the flag is enough: run() cancels the
    // child right after spawning it.
    await this.child?.cancel();
  }

  get running(): boolean {
    return this.info.outcome === 'running' && this.child !== undefined;
  }

  private splitters = new Map<'stdout' | 'stderr', LineSplitter>();

  private captureStream(stream: 'stdout' | 'stderr', readable: NodeJS.ReadableStream): void {
    const splitter = new LineSplitter();
    this.splitters.set(stream, splitter);
    readable.on('data', (chunk: Buffer) => {
      this.opts.onOutput?.(stream, chunk);
      this.bundle.appendStdio(chunk);
      this.ingestLines(stream, splitter.push(chunk));
    });
  }

  private flushStreams(): void {
    for (const [stream, splitter] of this.splitters) this.ingestLines(stream, splitter.flush());
  }

  private ingestLines(stream: 'stdout' | 'stderr', lines: string[]): void {
    if (lines.length === 0) return;
    const now = BigInt(Date.now()) * 1_000_000n;
    this.ingestOwn(lines.map((l) => lineToLogRecord(l, stream, now, STDIO_RESOURCE, STDOUT_SCOPE)));
  }

  private startMonitor(): void {
    const datasets = this.opts.datasets ?? [];
    const pid = this.child!.pid;
    this.monitor = new StallMonitor({
      store: this.store,
      thresholdS: this.opts.stallThresholdS,
      taskAttributes: this.opts.taskAttributes,
      sampleProcess: () => {
        const s = sampleProcessTree(pid);
        return s ? { cpuSeconds: s.cpuSeconds, rssBytes: s.rssBytes, processCount: s.pids.length } : undefined;
      },
      recheck: () => datasets.map((d) => checkDataset(d, this.info.cwd, 'recheck')),
      emit: (records) => this.ingestOwn(records),
    });
    let last: Stall | undefined;
    this.timer = setInterval(() => {
      this.monitor!.tick();
      const cur = this.monitor!.current();
      if (cur && (!last || last.id !== cur.id)) this.emit({ type: 'stall', stall: cur, state: 'start' });
      else if (cur && last && JSON.stringify(cur) !== JSON.stringify(last)) this.emit({ type: 'stall', stall: cur, state: 'update' });
      else if (!cur && last) {
        const now = Date.now();
        const since = last.lastProgressAt ? Date.parse(last.lastProgressAt) : Date.parse(last.startedAt);
        this.emit({ type: 'stall', stall: { ...last, endedAt: new Date(now).toISOString(), gapS: (now - since) / 1000 }, state: 'end' });
      }
      last = cur;
    }, MONITOR_INTERVAL_MS);
    this.timer.unref();
  }

  private stopMonitor(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.monitor?.dispose();
  }

  private async attachDefaultPorts(sink: (exp: ReceivedExport) => void): Promise<void> {
    const dp = this.opts.defaultPorts;
    if (!dp) return;
    if (dp === true) {
      this.defaultPorts = new DefaultPortListener({});
      this.ownsDefaultPorts = true;
    } else this.defaultPorts = dp;
    const status = await this.defaultPorts.start();
    for (const s of [status.http, status.grpc]) if (s && !s.ok) this.warn(s.message);
    this.defaultPorts.attach(sink);
  }

  private startArtifacts(sinceMs: number): void {
    const globs = this.opts.artifactGlobs ?? [];
    if (globs.length === 0) return;
    this.artifacts = new ArtifactCollector({ cwd: this.info.cwd, bundleDir: this.bundleDir, globs, sinceMs });
    this.artifactTimer = setInterval(() => {
      for (const m of this.artifacts!.sweep()) this.warn(m);
    }, ARTIFACT_SWEEP_MS);
    this.artifactTimer.unref();
  }

  private finishArtifacts(): ReturnType<typeof importArtifactFiles> | undefined {
    if (this.artifactTimer) clearInterval(this.artifactTimer);
    this.artifactTimer = undefined;
    const collector = this.artifacts;
    if (!collector) return undefined;
    for (const m of collector.sweep()) this.warn(m);
    const imported = importArtifactFiles(this.store, collector.files());
    for (const request of imported.requests) this.bundle.appendRequest(request);
    for (const w of imported.warnings) this.warn(w);
    this.info.artifacts = collector.entries();
    return imported;
  }

  private async teardown(): Promise<void> {
    this.stopMonitor();
    if (this.artifactTimer) clearInterval(this.artifactTimer);
    this.defaultPorts?.detach();
    if (this.ownsDefaultPorts) await this.defaultPorts?.close();
    this.defaultPorts = undefined;
    const closing = [this.receiver?.close(), this.grpc?.close()];
    this.receiver = undefined;
    this.grpc = undefined;
    await Promise.all(closing);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type { TelemetryBatch };
