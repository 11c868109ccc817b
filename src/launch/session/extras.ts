// What a build leaves outside our endpoint: telemetry sent to the standard OTLP ports, and
// files it writes (its own telemetry dumps and diagnostics reports), copied (redacted) into
// the bundle and imported without duplicating what OTLP delivered.
import type { ReceivedExport } from '../../receiver/index.js';
import type { DefaultPortListener } from '../../receiver/defaultPorts.js';
import { lazy } from '../../core/lazy.js';
import type { ArtifactCollector, importArtifactFiles } from '../../bundle/artifacts.js';
import type { RunStore } from '../../core/store.js';
import type { ArtifactEntry } from '../../bundle/artifacts.js';
import type { RunIngest } from './ingest.js';

const SWEEP_MS = 10_000;
// Only for runs that listen on the standard ports (it holds a gRPC server too).
// Only for runs that collect the build's files (and at the end).
const artifacts = lazy(() => require('../../bundle/artifacts.js') as typeof import('../../bundle/artifacts.js'));
const documents = lazy(() => require('../../core/safety/document.js') as typeof import('../../core/safety/document.js'));
const defaultPorts = lazy(() => require('../../receiver/defaultPorts.js') as typeof import('../../receiver/defaultPorts.js'));

export type ImportedArtifacts = ReturnType<typeof importArtifactFiles>;

export class ExtraCapture {
  private ports: DefaultPortListener | undefined;
  private ownsPorts = false;
  private collector: ArtifactCollector | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly warn: (message: string) => void) {}

  /** `true`: a listener of this run's own; a listener: shared across runs (the extension),
   * so a held port is reported once. */
  async listenOnDefaultPorts(option: boolean | DefaultPortListener | undefined, sink: (exp: ReceivedExport) => void): Promise<void> {
    if (!option) return;
    this.ownsPorts = option === true;
    this.ports = option === true ? new (defaultPorts().DefaultPortListener)({}) : option;
    const status = await this.ports.start();
    for (const s of [status.http, status.grpc]) if (s && !s.ok) this.warn(s.message);
    this.ports.attach(sink);
  }

  /** Look for the build's files while it runs (they may be cleaned up before it ends). */
  collectArtifacts(o: { cwd: string; bundleDir: string; globs: readonly string[]; sinceMs: number; ingest: RunIngest }): void {
    if (o.globs.length === 0) return;
    this.collector = new (artifacts().ArtifactCollector)({
      cwd: o.cwd,
      bundleDir: o.bundleDir,
      globs: o.globs,
      sinceMs: o.sinceMs,
      transform: (data, path) => documents().redactDocument(data, path, o.ingest.redactor),
    });
    this.timer = setInterval(() => {
      for (const m of this.collector!.sweep()) this.warn(m);
    }, SWEEP_MS);
    this.timer.unref();
  }

  /** After the grace period, so that what OTLP delivered is kept and the files' copies of
   * the same spans are the duplicates (they lack parent ids). */
  finish(store: RunStore, ingest: RunIngest): { imported?: ImportedArtifacts; entries?: ArtifactEntry[] } {
    this.ports?.detach();
    this.stopTimer();
    const collector = this.collector;
    if (!collector) return {};
    for (const m of collector.sweep()) this.warn(m);
    const imported = artifacts().importArtifactFiles(store, collector.files(), { sanitize: (_signal, request) => ingest.sanitize(request) });
    for (const request of imported.requests) ingest.bundle?.appendRequest(request);
    for (const w of imported.warnings) this.warn(w);
    return { imported, entries: collector.entries() };
  }

  async close(): Promise<void> {
    this.stopTimer();
    this.ports?.detach();
    if (this.ownsPorts) await this.ports?.close();
    this.ports = undefined;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
