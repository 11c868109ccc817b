// One build run, end to end: receiver + root span + child process + stdio capture + live
// stall watch + bundle + final report. Used by the CLI and by the extension (no vscode here).
// The parts live in ./session/: ingest (safety policy, the one door into store, bundle and
// forwarder), stdio, the stall watch, and the extra capture (default ports, artifacts).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Resource, TelemetryBatch } from '../core/model.js';
import { DEFAULT_CAPS, RunStore, type IngestDelta, type StoreCaps } from '../core/store.js';
import { cliExitCode, commandName, decideOutcome, newRunInfo, uuidv7, type RunInfo } from '../core/run.js';
import { reportedResult } from '../core/analysis/outcome.js';
import type { Receiver, ReceivedExport } from '../receiver/index.js';
import { endpointsFor } from '../receiver/endpoints.js';
import type { DefaultPortListener } from '../receiver/defaultPorts.js';
import { BundleWriter, describe as describeError, type BundleFs } from '../bundle/writer.js';
import type { WriteReportsInput } from '../bundle/reports.js';
import { checkDataset, readinessEvent, type DatasetDecl } from '../core/analysis/datasetCheck.js';
import type { DatasetState, Report, Stall } from '../core/report/schema.js';
import { spawnBuild, type SpawnedBuild } from './process.js';
import type { RootSpanHandle } from './rootSpan.js';
import { rootSpanIds, traceparentOf } from './rootIds.js';
import { lazy } from '../core/lazy.js';
import { TOOL_VERSION } from '../core/version.js';
import type { RedactionConfig } from '../core/safety/redact.js';
import { resolveLimits, type CaptureLimits } from '../core/safety/limits.js';
import { traceUrl, type HamiltonSettings, type OtelSettings } from '../core/config/index.js';
import type { Forwarder, ForwardOptions, ForwardStats } from './forward.js';
import { hamiltonLinks, hamiltonRunId } from './hamilton.js';
import { launcherEnvironment, resolveLaunchConfig } from './otelConfig.js';
import type { RetentionPolicy } from '../bundle/retention.js';
import { RunIngest } from './session/ingest.js';
import { StdioCapture } from './session/stdio.js';
import { startStallWatch } from './session/watch.js';
import { ExtraCapture } from './session/extras.js';

// The OTel SDK is loaded once the build is started, while it boots (esbuild.mjs, LAZY).
const rootSpanSdk = lazy(() => require('./rootSpan.js') as typeof import('./rootSpan.js'));
// Only for runs that use them: the gRPC receiver and forwarding (the OTel exporter).
const fromProto = lazy(() => require('../core/otlp/from-proto.js') as typeof import('../core/otlp/from-proto.js'));
const grpcReceiver = lazy(() => require('../receiver/grpc.js') as typeof import('../receiver/grpc.js'));
const forwarding = lazy(() => require('./forward.js') as typeof import('./forward.js'));
// The analyses, report builders and the HTML page: evaluated once the build is started.
const retention = lazy(() => require('../bundle/retention.js') as typeof import('../bundle/retention.js'));
const reports = lazy(() => require('../bundle/reports.js') as typeof import('../bundle/reports.js'));

/** How long after the build's start its root span (and the SDK) is created: past the
 * build's own start-up. Its start time is the recorded one in any case. */
const ROOT_SPAN_DELAY_MS = 1000;
/** The reports are rehearsed then (bundle/reports.ts) only while the run has at most this
 * many items: the point is warm code, not figures, and its cost grows with the data (a few
 * ms for a few hundred items; a flood's 20,000 held the thread for ~100 ms). */
const REHEARSAL_MAX_ITEMS = 2_000;

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
  // node:crypto's random bytes: WebCrypto (the default) is one more module to load at start.
  readonly runId = uuidv7(Date.now(), randomBytes);
  readonly store: RunStore;
  readonly bundleDir: string;
  readonly limits: CaptureLimits;
  info: RunInfo;
  private readonly ingest: RunIngest;
  private readonly extras: ExtraCapture;
  private readonly ownResource: Resource;
  private bundle!: BundleWriter;
  private receiver: Receiver | undefined;
  private grpc: { url: string; close(): Promise<void> } | undefined;
  private root: RootSpanHandle | undefined;
  private child: SpawnedBuild | undefined;
  private watch: { stop(): void } | undefined;
  private cancelled = false;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private readonly warnings: string[] = [];
  private readonly opts: Required<Pick<SessionOptions, 'stallThresholdS' | 'graceS'>> & SessionOptions;

  constructor(opts: SessionOptions) {
    this.opts = { stallThresholdS: 30, graceS: 2, ...opts };
    this.store = new RunStore(storeCaps(opts));
    // Safety policy first: a bad redaction pattern throws here, before anything exists.
    this.ingest = new RunIngest(this.store, opts);
    this.limits = this.ingest.limits;
    this.extras = new ExtraCapture((m) => this.warn(m));
    this.ownResource = {
      attributes: {
        'service.name': 'build-diagnostics',
        'service.version': TOOL_VERSION,
        'deployment.environment.name': launcherEnvironment(),
      },
    };
    const cwd = resolve(opts.cwd);
    this.bundleDir = resolve(opts.outDir ?? join(cwd, '.build-diagnostics', 'runs', this.runId));
    this.info = {
      ...newRunInfo({ runId: this.runId, command: commandName(opts.argv), tokenCount: opts.argv.length, cwd, toolVersion: TOOL_VERSION, buildName: opts.buildName }),
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

  /** Run the build to the end. Throws LaunchError / BundleError / PreflightError /
   * SettingsError before anything was launched; after launch it always resolves with the
   * run's result. */
  async run(): Promise<SessionResult> {
    const startMs = Date.now();
    this.store.onIngest((delta) => this.emit({ type: 'ingest', delta }));
    const preflight = (this.opts.datasets ?? []).map((d) => checkDataset(d, this.info.cwd, 'preflight'));
    const notReady = preflight.filter((d) => d.required !== false && d.status !== 'ok' && d.status !== 'remote_path');
    if (notReady.length > 0 && this.opts.refuseNotReady) throw new PreflightError(notReady);
    // Settings, flags and config files are checked before anything is created.
    const launchConfig = resolveLaunchConfig({
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
    const capture = launchConfig.resolved.profile.capture;
    if (capture) {
      this.opts.artifactGlobs ??= [...capture.artifactGlobs];
      this.opts.defaultPorts ??= capture.defaultPorts;
    }

    this.bundle = BundleWriter.create(this.bundleDir, this.info, { fs: this.opts.bundleFs, onError: (m) => this.warn(m) });
    this.ingest.bundle = this.bundle;
    const token = randomBytes(32).toString('hex');
    let rootIds: { traceId: string; spanId: string };
    let rootStartMs: number;
    try {
      const sink = (exp: ReceivedExport) => this.ingest.export(exp.signal, exp.request);
      if (this.opts.forward) this.ingest.forwarder = new (forwarding().Forwarder)(this.opts.forward, (m) => this.emit({ type: 'warning', message: m }));
      // The run's receiver runs in the ingest worker (session/pipeline.ts), behind a front
      // that listens here at once: the build does not wait for the worker's boot.
      this.ingest.onWarning = (m) => this.warn(m);
      this.receiver = await this.ingest.startReceiver(token);
      if (this.opts.protocol === 'grpc') this.grpc = await grpcReceiver().startGrpcReceiver({ token, onExport: sink });
      await this.extras.listenOnDefaultPorts(this.opts.defaultPorts, sink);
      // The root span's ids now, the span itself (and the OTel SDK) once the build is started.
      rootIds = rootSpanIds(randomBytes);
      rootStartMs = performance.timeOrigin + performance.now();
      this.ingest.rootSpan = rootIds;
      this.info.traceId = rootIds.traceId;
      if (preflight.length > 0) {
        this.emit({ type: 'preflight', datasets: preflight });
        this.ingest.own(preflight.map(readinessEvent));
        for (const d of notReady) this.warn(`dataset ${d.dataset} is not ready (${d.status}${d.reason ? `: ${d.reason}` : ''})`);
      }
      const { env, warnings } = launchConfig.childEnv({
        ...endpointsFor(this.opts.protocol ?? 'http/protobuf', { httpUrl: this.receiver.url, grpcUrl: this.grpc?.url }),
        token,
        traceparent: traceparentOf(rootIds),
        runId: this.runId,
      });
      for (const w of [...launchConfig.warnings, ...warnings]) this.warn(w);
      this.extras.collectArtifacts({ cwd: this.info.cwd, bundleDir: this.bundleDir, globs: this.opts.artifactGlobs ?? [], sinceMs: startMs, ingest: this.ingest });
      this.child = spawnBuild({ argv: this.opts.argv, cwd: this.info.cwd, env, shell: this.opts.shell });
    } catch (e) {
      // Nothing was launched: leave no half-made bundle or server behind.
      await this.teardown();
      rmSync(this.bundleDir, { recursive: true, force: true });
      throw e;
    }
    if (this.cancelled) void this.child.cancel();
    this.info.pid = this.child.pid;
    this.bundle.writeRunInfo(this.info);
    const pid = this.child.pid;
    let rootTried = false;
    const startRoot = (): void => {
      if (rootTried) return;
      rootTried = true;
      try {
        this.root = rootSpanSdk().startRootSpan({
          // In-process: the same decode and ingest as a request our receiver takes.
          deliver: (body) => this.ingest.export('traces', fromProto().decodeProtobuf('traces', body)),
          runId: this.runId,
          command: this.info.command,
          tokenCount: this.info.tokenCount,
          serviceVersion: TOOL_VERSION,
          cwd: this.info.cwd,
          resourceAttributes: Object.assign({}, ...launchConfig.configFiles.map((f) => f.resourceAttributes)),
          ids: rootIds,
          startTimeMs: rootStartMs,
        });
        this.root.setPid(pid);
      } catch (e) {
        this.warn(`the build.invocation span could not be recorded: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    let exited = false;
    // What the end of the run needs, loaded and exercised now rather than after the build:
    // the main thread's decoder (the root span's own export) and the report modules, then one
    // discarded build of the reports (bundle/reports.ts, rehearseReports) while the run is
    // still small. One part per event-loop turn: none holds the thread for long.
    const warmEnd = (): void => {
      if (exited) return;
      try {
        fromProto();
        reports().prepareReports();
      } catch {
        return; // loaded again (and reported) when the reports are written
      }
      setImmediate(() => {
        if (exited || this.store.spans.length + this.store.logs.length + this.store.metrics.length > REHEARSAL_MAX_ITEMS) return;
        try {
          reports().rehearseReports({ store: this.store, run: this.info, workspaceRoot: this.info.cwd, taskAttributes: this.opts.taskAttributes });
        } catch {
          // the real reports say what is wrong
        }
      });
    };
    // The OTel SDK (for the root span) and the report modules load a moment after the start,
    // not while the build boots (both would compete for the CPU), or at its end if sooner.
    const warmUp = setTimeout(() => {
      startRoot();
      setImmediate(warmEnd);
    }, ROOT_SPAN_DELAY_MS);
    const stdio = new StdioCapture(this.ingest, this.ownResource, this.opts.onOutput);
    stdio.attach('stdout', this.child.stdout);
    stdio.attach('stderr', this.child.stderr);
    this.watch = startStallWatch({
      store: this.store,
      pid: this.child.pid,
      cwd: this.info.cwd,
      thresholdS: this.opts.stallThresholdS,
      datasets: this.opts.datasets ?? [],
      taskAttributes: this.opts.taskAttributes,
      record: (records) => this.ingest.own(records),
      notify: (stall, state) => this.emit({ type: 'stall', stall, state }),
    });

    const exit = await this.child.exited;
    exited = true;
    clearTimeout(warmUp);
    startRoot();
    stdio.flush();
    if (this.opts.graceS > 0) await delay(this.opts.graceS * 1000);
    // What was received so far is stored before the artifacts are read and the outcome decided.
    await this.ingest.settled();
    this.stopWatch();
    const { imported, entries } = this.extras.finish(this.store, this.ingest);
    if (entries) this.info.artifacts = entries;

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
      await this.root?.end({
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
    for (const w of this.ingest.warnings()) this.warn(w);
    const links = this.links();
    if (links.length > 0) this.info.links = links;
    this.info.warnings = [...this.warnings];
    this.bundle.writeRunInfo(this.info);
    const report = this.writeReports({
      store: this.store,
      run: this.info,
      workspaceRoot: this.info.cwd,
      taskAttributes: this.opts.taskAttributes,
      diagnosticsReport: imported?.diagnosticsReport,
      buildSays: imported?.buildSays,
    });
    this.bundle.close();
    this.emit({ type: 'finished', info: this.info, report });
    const result: SessionResult = { info: this.info, report, exitCode: cliExitCode(this.info), bundleDir: this.bundleDir };
    // After the reports: a slow or dead backend delays only this bounded wait, never the
    // build or its diagnostics. Its problems are live warnings, not part of the report.
    if (this.ingest.forwarder) result.forward = await this.finishForwarding(this.ingest.forwarder);
    if (this.opts.retention) result.retentionRemoved = this.applyRetention(this.opts.retention);
    return result;
  }

  private writeReports(input: WriteReportsInput): Report {
    try {
      const written = reports().writeReports(this.bundle, input);
      if (written.htmlError) this.warn(written.htmlError);
      return written.report;
    } catch (e) {
      // A full disk must not turn a finished build into a crash: the report still exists
      // in memory for the views and the summary.
      this.warn(`the reports could not be written to ${this.bundleDir}: ${describeError(e)}`);
      return reports().composeReport(input);
    }
  }

  private async finishForwarding(forwarder: Forwarder): Promise<ForwardStats> {
    const stats = await forwarder.shutdown(this.opts.forward?.flushTimeoutMs ?? 5000);
    const lost = stats.failedItems + stats.droppedItems + stats.pendingItems;
    if (lost > 0) {
      this.emit({
        type: 'warning',
        message: `forwarding to ${forwarder.url}: ${stats.sentItems} items sent, ${lost} not delivered (${stats.droppedItems} dropped at the full queue, ${stats.failedItems} failed${stats.lastError ? ` — ${stats.lastError}` : ''}, ${stats.pendingItems} unsent at the deadline)`,
      });
    }
    return stats;
  }

  private applyRetention(policy: RetentionPolicy): string[] {
    try {
      return retention().applyRetention(dirname(this.bundleDir), policy, new Set([this.bundleDir])).removed;
    } catch {
      return [];
    }
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

  private stopWatch(): void {
    this.watch?.stop();
    this.watch = undefined;
  }

  private async teardown(): Promise<void> {
    this.stopWatch();
    await this.extras.close();
    const closing = [this.receiver?.close(), this.grpc?.close()];
    this.receiver = undefined;
    this.grpc = undefined;
    await Promise.all(closing);
    await this.ingest.close();
  }
}

function storeCaps(o: SessionOptions): StoreCaps {
  const limits = resolveLimits(o.limits, o.debug);
  return {
    maxSpans: limits.maxSpans,
    maxLogs: limits.maxLogs,
    maxMetricPoints: limits.maxMetricPoints,
    maxEvents: o.debug ? Number.MAX_SAFE_INTEGER : DEFAULT_CAPS.maxEvents,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export type { TelemetryBatch };
