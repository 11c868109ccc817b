// One build run, end to end: receiver + root span + child process + stdio capture + live
// monitor + bundle + final report. Used by the CLI and by the extension (no vscode here).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LogRecord, Resource, Scope, TelemetryBatch } from '../core/model.js';
import { DEFAULT_CAPS, RunStore, type IngestDelta } from '../core/store.js';
import { RUN_SCHEMA, cliExitCode, commandName, decideOutcome, uuidv7, type RunInfo } from '../core/run.js';
import { reportedResult } from '../core/analysis/outcome.js';
import { logsToOtlp, normalize, type OtlpRequest, type OtlpSignal } from '../core/otlp/index.js';
import { STDIO_SCOPE_NAME } from '../core/otlp/normalize.js';
import { startReceiver, type Receiver, type ReceivedExport } from '../receiver/index.js';
import { endpointsFor, startGrpcReceiver } from '../receiver/grpc.js';
import { DefaultPortListener } from '../receiver/defaultPorts.js';
import { ArtifactCollector, importArtifactFiles } from '../bundle/artifacts.js';
import { BundleWriter, describe as describeError, type BundleFs } from '../bundle/writer.js';
import { composeReport, writeReports } from '../bundle/reports.js';
import { checkDataset, readinessEvent, type DatasetDecl } from '../core/analysis/datasetCheck.js';
import { StallMonitor } from '../core/analysis/monitor.js';
import type { DatasetState, Report, Stall } from '../core/report/schema.js';
import { spawnBuild, type SpawnedBuild } from './process.js';
import { LineSplitter } from './lines.js';
import { lineToLogRecord } from './stdioLogs.js';
import { startRootSpan, type RootSpanHandle } from './rootSpan.js';
import { sampleProcessTree } from './procstat.js';
import { TOOL_VERSION } from '../core/version.js';
import { Redactor, type RedactionConfig } from '../core/safety/redact.js';
import { RunBudget, resolveLimits, type CaptureLimits } from '../core/safety/limits.js';
import { countItems, emptySanitizeStats, sanitizeRequest, type SanitizePolicy } from '../core/safety/sanitize.js';
import { redactDocument } from '../core/safety/document.js';
import { traceUrl, type HamiltonSettings, type OtelSettings } from '../core/config/index.js';
import { Forwarder, type ForwardOptions, type ForwardStats } from './forward.js';
import { hamiltonLinks, hamiltonRunId } from './hamilton.js';
import { launcherEnvironment, resolveLaunchConfig, type LaunchConfig } from './otelConfig.js';
import { StdioMasker } from './stdioMask.js';
import { applyRetention, type RetentionPolicy } from '../bundle/retention.js';

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
  /** File operations for the bundle's appends (tests inject a full disk here). */
  bundleFs?: BundleFs;
  /** The build's OpenTelemetry settings (precedence layer 3, with runEnv). */
  otel?: OtelSettings;
  /** Explicit flags (layer 4, highest). */
  otelFlags?: OtelSettings;
  /** Forward everything (redacted) to this OTLP backend as well. */
  forward?: ForwardOptions;
  /** `{traceId}` → a link to the run's trace in the team's trace viewer. */
  traceUrlTemplate?: string;
  hamilton?: HamiltonSettings;
  /** Workspace folder (Hamilton's repo hash and project name); default cwd. */
  workspaceRoot?: string;
  redaction?: Partial<RedactionConfig>;
  limits?: Partial<CaptureLimits>;
  /** Lifts every capture limit (not redaction). */
  debug?: boolean;
  /** Applied to the bundle's parent folder after the run. */
  retention?: RetentionPolicy;
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

const STDOUT_SCOPE: Scope = { name: STDIO_SCOPE_NAME };
const MONITOR_INTERVAL_MS = 1000;
const ARTIFACT_SWEEP_MS = 10_000;

export interface SessionResult {
  info: RunInfo;
  report: Report;
  exitCode: number;
  bundleDir: string;
  /** What reached the forwarding backend, when forwarding was on. */
  forward?: ForwardStats;
  /** Bundles deleted by the retention policy. */
  retentionRemoved?: string[];
}

export class BuildSession {
  readonly runId = uuidv7();
  readonly store: RunStore;
  readonly bundleDir: string;
  readonly limits: CaptureLimits;
  private readonly redactor: Redactor;
  private readonly policy: SanitizePolicy;
  private readonly sanitizeStats = emptySanitizeStats();
  private readonly budget: RunBudget;
  private readonly stdioResource: Resource;
  private forwarder: Forwarder | undefined;
  private launchConfig: LaunchConfig | undefined;
  private stdioBytes = 0;
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
    // Safety policy first: a bad redaction pattern throws here, before anything exists.
    this.limits = resolveLimits(opts.limits, opts.debug);
    this.redactor = new Redactor(opts.redaction);
    this.policy = { redactor: this.redactor, limits: this.limits };
    this.budget = new RunBudget(this.limits);
    this.store = new RunStore({
      maxSpans: this.limits.maxSpans,
      maxLogs: this.limits.maxLogs,
      maxMetricPoints: this.limits.maxMetricPoints,
      maxEvents: opts.debug ? Number.MAX_SAFE_INTEGER : DEFAULT_CAPS.maxEvents,
    });
    this.stdioResource = {
      attributes: {
        'service.name': 'build-diagnostics',
        'service.version': TOOL_VERSION,
        'deployment.environment.name': launcherEnvironment(),
      },
    };
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

  /** Store and persist a batch we produced ourselves (stdio lines, monitor observations).
   * Stdio lines were masked already (StdioMasker) and count against the capture limits;
   * monitor observations are small and always kept (stall diagnosis needs them). */
  private ingestOwn(records: LogRecord[], capped = false): void {
    if (records.length === 0) return;
    if (capped && !this.budget.admit({ spans: 0, logs: records.length, metrics: 0 }, this.bytesSoFar())) return;
    const request = logsToOtlp(records);
    this.bundle.appendRequest(request);
    this.forwarder?.submit('logs', request);
    this.store.ingest({ spans: [], logs: records, metrics: [] });
  }

  /** The request carrying our build.invocation span (exported alone, SimpleSpanProcessor). */
  private isRootSpan(req: OtlpRequest): boolean {
    const spans = (req.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
    return spans.length === 1 && this.root !== undefined && spans[0]!.spanId === this.root.spanId && spans[0]!.traceId === this.root.traceId;
  }

  private bytesSoFar(): number {
    return this.bundle.telemetryBytes + this.stdioBytes;
  }

  /** A request from a receiver: redacted and limited in place, then checked against the
   * run's caps, then persisted, forwarded and stored — all three see the same data (the
   * receiver's own normalization is redone on the redacted request). Our root span is
   * always kept. */
  private ingestExport(signal: OtlpSignal, request: OtlpRequest): void {
    const own = this.isRootSpan(request);
    // Our own span is small and bounded: redacted like everything, never cut.
    sanitizeRequest(request, own ? { redactor: this.redactor, limits: UNLIMITED } : this.policy, this.sanitizeStats);
    if (!own && !this.budget.admit(countItems(request), this.bytesSoFar())) return;
    this.bundle.appendRequest(request);
    this.forwarder?.submit(signal, request);
    this.store.ingest(normalize(signal, request));
  }

  /** Run the build to the end. Throws LaunchError / BundleError / PreflightError before
   * anything was launched; after launch it always resolves with the run's result. */
  async run(): Promise<SessionResult> {
    const startMs = Date.now();
    this.store.onIngest((delta) => this.emit({ type: 'ingest', delta }));
    const preflight = (this.opts.datasets ?? []).map((d) => checkDataset(d, this.info.cwd, 'preflight'));
    const notReady = preflight.filter((d) => d.required !== false && d.status !== 'ok' && d.status !== 'remote_path');
    if (notReady.length > 0 && this.opts.refuseNotReady) throw new PreflightError(notReady);
    // Settings, flags and config files are checked before anything is created.
    this.launchConfig = resolveLaunchConfig({
      cwd: this.info.cwd,
      workspaceRoot: this.opts.workspaceRoot,
      userEnv: this.opts.userEnv ?? process.env,
      runEnv: this.opts.runEnv,
      otel: this.opts.otel,
      otelFlags: this.opts.otelFlags,
      hamilton: this.opts.hamilton,
      protocol: this.opts.protocol,
    });
    // A profile's capture defaults apply where the caller said nothing.
    const capture = this.launchConfig.resolved.profile.capture;
    if (capture) {
      this.opts.artifactGlobs ??= [...capture.artifactGlobs];
      this.opts.defaultPorts ??= capture.defaultPorts;
    }

    this.bundle = BundleWriter.create(this.bundleDir, this.info, { fs: this.opts.bundleFs, onError: (m) => this.warn(m) });
    const token = randomBytes(32).toString('hex');
    try {
      const sink = (exp: ReceivedExport) => this.ingestExport(exp.signal, exp.request);
      if (this.opts.forward) this.forwarder = new Forwarder(this.opts.forward, (m) => this.emit({ type: 'warning', message: m }));
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
        resourceAttributes: Object.assign({}, ...this.launchConfig.configFiles.map((f) => f.resourceAttributes)),
      });
      this.info.traceId = this.root.traceId;
      if (preflight.length > 0) {
        this.emit({ type: 'preflight', datasets: preflight });
        this.ingestOwn(preflight.map(readinessEvent));
        for (const d of notReady) this.warn(`dataset ${d.dataset} is not ready (${d.status}${d.reason ? `: ${d.reason}` : ''})`);
      }
      const { env, warnings } = this.launchConfig.childEnv({
        ...endpointsFor(this.opts.protocol ?? 'http/protobuf', { httpUrl: this.receiver.url, grpcUrl: this.grpc?.url }),
        token,
        traceparent: this.root.traceparent,
        runId: this.runId,
      });
      for (const w of [...this.launchConfig.warnings, ...warnings]) this.warn(w);
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
    this.safetyWarnings();
    const links = this.links();
    if (links.length > 0) this.info.links = links;
    this.info.warnings = [...this.warnings];
    this.bundle.writeRunInfo(this.info);
    const reportInput = {
      store: this.store,
      run: this.info,
      workspaceRoot: this.info.cwd,
      taskAttributes: this.opts.taskAttributes,
      diagnosticsReport: imported?.diagnosticsReport,
      buildSays: imported?.buildSays,
    };
    let report: Report;
    try {
      const written = writeReports(this.bundle, reportInput);
      report = written.report;
      if (written.htmlError) this.warn(written.htmlError);
    } catch (e) {
      // A full disk must not turn a finished build into a crash: the report still exists
      // in memory for the views and the summary.
      this.warn(`the reports could not be written to ${this.bundleDir}: ${describeError(e)}`);
      report = composeReport(reportInput);
    }
    this.bundle.close();
    this.emit({ type: 'finished', info: this.info, report });
    const result: SessionResult = { info: this.info, report, exitCode: cliExitCode(this.info), bundleDir: this.bundleDir };
    // After the reports: a slow or dead backend delays only this bounded wait, never the
    // build or its diagnostics. Its problems are live warnings, not part of the report.
    if (this.forwarder) result.forward = await this.finishForwarding();
    if (this.opts.retention) result.retentionRemoved = this.applyRetention(this.opts.retention);
    return result;
  }

  private async finishForwarding(): Promise<ForwardStats> {
    const stats = await this.forwarder!.shutdown(this.opts.forward?.flushTimeoutMs ?? 5000);
    const lost = stats.failedItems + stats.droppedItems + stats.pendingItems;
    if (lost > 0) {
      this.emit({
        type: 'warning',
        message: `forwarding to ${this.forwarder!.url}: ${stats.sentItems} items sent, ${lost} not delivered (${stats.droppedItems} dropped at the full queue, ${stats.failedItems} failed${stats.lastError ? ` — ${stats.lastError}` : ''}, ${stats.pendingItems} unsent at the deadline)`,
      });
    }
    return stats;
  }

  private applyRetention(policy: RetentionPolicy): string[] {
    try {
      return applyRetention(dirname(this.bundleDir), policy, new Set([this.bundleDir])).removed;
    } catch {
      return [];
    }
  }

  /** Counted, value-free notes on what the safety policy changed. */
  private safetyWarnings(): void {
    const r = this.redactor.stats;
    const s = this.sanitizeStats;
    if (r.redactedKeys + r.maskedValues > 0) {
      this.warn(`redacted: ${r.redactedKeys} attribute values under secret-looking keys and ${r.maskedValues} secret-shaped values in text were replaced by [redacted]`);
    }
    if (s.truncatedValues + s.truncatedLists + s.droppedAttributes > 0) {
      this.warn(
        `truncated: ${s.truncatedValues} long values, ${s.truncatedLists} long lists/maps and ${s.droppedAttributes} attributes over the count limit were cut at the capture limits (--debug lifts them)`,
      );
    }
    const b = this.budget.warning();
    if (b) this.warn(b);
  }

  /** Links for the report and the panel: the trace viewer, the Hamilton UI. */
  private links(): { label: string; url: string }[] {
    const out: { label: string; url: string }[] = [];
    const t = traceUrl(this.opts.traceUrlTemplate, this.info.traceId, this.runId);
    if (t) out.push({ label: 'Trace', url: t });
    out.push(...hamiltonLinks(this.opts.hamilton, hamiltonRunId(this.store)));
    return out;
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

  private splitters = new Map<'stdout' | 'stderr', { splitter: LineSplitter; masker: StdioMasker }>();

  // The live pass-through (onOutput) gets the raw bytes — it is the user's own terminal; what
  // is stored (stdio.log, log records) and forwarded is masked first.
  private captureStream(stream: 'stdout' | 'stderr', readable: NodeJS.ReadableStream): void {
    const splitter = new LineSplitter();
    const masker = new StdioMasker(this.redactor);
    this.splitters.set(stream, { splitter, masker });
    readable.on('data', (chunk: Buffer) => {
      this.opts.onOutput?.(stream, chunk);
      this.storeStdio(stream, splitter, masker.push(chunk));
    });
  }

  private storeStdio(stream: 'stdout' | 'stderr', splitter: LineSplitter, masked: Buffer): void {
    if (masked.length === 0) return;
    if (this.bytesSoFar() < this.limits.maxBytes) {
      this.bundle.appendStdio(masked);
      this.stdioBytes += masked.length;
    }
    this.ingestLines(stream, splitter.push(masked));
  }

  private flushStreams(): void {
    for (const [stream, { splitter, masker }] of this.splitters) {
      this.storeStdio(stream, splitter, masker.flush());
      this.ingestLines(stream, splitter.flush());
    }
  }

  private ingestLines(stream: 'stdout' | 'stderr', lines: string[]): void {
    if (lines.length === 0) return;
    const now = BigInt(Date.now()) * 1_000_000n;
    this.ingestOwn(
      lines.map((l) => lineToLogRecord(l, stream, now, this.stdioResource, STDOUT_SCOPE)),
      true,
    );
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
    this.artifacts = new ArtifactCollector({
      cwd: this.info.cwd,
      bundleDir: this.bundleDir,
      globs,
      sinceMs,
      transform: (data, path) => redactDocument(data, path, this.redactor),
    });
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
    const imported = importArtifactFiles(this.store, collector.files(), {
      sanitize: (_signal, request) => sanitizeRequest(request, this.policy, this.sanitizeStats),
    });
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

const UNLIMITED = resolveLimits({}, true);

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type { TelemetryBatch };
