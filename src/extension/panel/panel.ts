// The Build Diagnostics panel host: one webview panel showing one run through the panel app
// (webview-ui). Lifetime: panel (disposed with the view) inside the extension's; the run
// subscription is replaced whenever the shown run changes. Protocol: src/protocol/messages.
import * as vscode from 'vscode';
import { Lifetime } from '../lifetime.js';
import { parsePanelState, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../protocol/messages.js';
import { buildDelta, snapshotFeed, type SnapshotCursor } from '../../protocol/snapshot.js';
import { compareReports } from '../../protocol/compare.js';
import { ReadyQueue, Throttle } from './channel.js';
import { panelHtml } from './html.js';
import { resolveInWorkspace } from './workspacePath.js';
import type { PanelRun, PanelRunSource } from './source.js';
import { PANEL_VIEW_TYPE, commandId } from '../registry.js';
import type { PanelReveal } from './reveals.js';

export { PANEL_VIEW_TYPE };
export type { PanelReveal };

/** A run to show that the source cannot select for everyone is pinned to this panel. */
function pinFor(source: PanelRunSource, runId: string | null | undefined): string | null {
  if (!runId) return null;
  return source.select?.(runId) ? null : runId;
}

/** Deltas: at most 10 a second. Reports on big live runs: at most one a second. */
const DELTA_INTERVAL_MS = 100;
const BIG_RUN_SPANS = 10_000;
const BIG_RUN_REPORT_MS = 1000;

function webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
}

export class BuildPanel extends Lifetime {
  private static instance: BuildPanel | undefined;

  private readonly queue: ReadyQueue;
  private readonly throttle: Throttle;
  private run: PanelRun | undefined;
  private runLife: Lifetime | undefined;
  private cursor: SnapshotCursor | undefined;
  private lastReportAt = 0;
  private reportPending = false;
  private pinnedRunId: string | null;
  /** The snapshot being sent part by part (a new one, or the run going away, stops it). */
  private feed = 0;
  private feeding = false;

  /** Show the panel (creating it if needed), optionally on a given run and section. The
   * panel shows the run the extension shows (RunsModel): `runId` selects that run for
   * every view when the source can, else it is pinned to this panel. */
  static createOrShow(context: vscode.ExtensionContext, source: PanelRunSource, opts: { runId?: string; reveal?: PanelReveal } = {}): BuildPanel {
    const pin = pinFor(source, opts.runId);
    let p = BuildPanel.instance;
    if (p) {
      p.panel.reveal(undefined, false);
      if (pin !== p.pinnedRunId || source.current(pin)?.runId !== p.run?.runId) p.showRun(pin);
    } else {
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Build Diagnostics', vscode.ViewColumn.Active, BuildPanel.options(context));
      p = new BuildPanel(panel, context, source, pin);
    }
    if (opts.reveal) p.reveal(opts.reveal);
    return p;
  }

  /** Registers the serializer that brings the panel back after a window reload. */
  static registerSerializer(context: vscode.ExtensionContext, source: PanelRunSource): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => BuildPanel.restore(context, source, panel, state),
    });
  }

  /** Brings back a panel left open before a window reload (its serializer's work). */
  static restore(context: vscode.ExtensionContext, source: PanelRunSource, panel: vscode.WebviewPanel, state: unknown): void {
    panel.webview.options = BuildPanel.options(context);
    BuildPanel.instance?.dispose();
    new BuildPanel(panel, context, source, pinFor(source, parsePanelState(state)?.runId));
  }

  static get current(): BuildPanel | undefined {
    return BuildPanel.instance;
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // No retainContextWhenHidden: the app keeps its view state with setState and gets a
    // fresh snapshot whenever it reloads.
    return { enableScripts: true, localResourceRoots: [webviewRoot(context)], enableFindWidget: false };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly source: PanelRunSource,
    runId: string | null,
  ) {
    super();
    BuildPanel.instance = this;
    this.pinnedRunId = runId;
    this.queue = new ReadyQueue((m) => void this.panel.webview.postMessage(m));
    this.throttle = this.register(new Throttle(() => this.flushDelta(), DELTA_INTERVAL_MS));
    const root = webviewRoot(context);
    const webview = panel.webview;
    webview.html = panelHtml(
      webview,
      webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    );
    this.register(webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this.register(
      panel.onDidChangeViewState(() => {
        // Hidden without retained context: the webview is torn down and will say ready again.
        if (!panel.visible) {
          this.stopFeed();
          this.queue.markNotReady();
        }
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(source.onDidChange(() => this.onSourceChange()));
    this.register({ dispose: () => this.runLife?.dispose() });
    this.register({ dispose: () => (BuildPanel.instance === this ? (BuildPanel.instance = undefined) : undefined) });
    this.showRun(runId);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }

  reveal(r: PanelReveal): void {
    this.panel.reveal(undefined, false);
    this.queue.send({
      type: 'reveal',
      section: r.section,
      ...(r.task ? { task: r.task } : {}),
      ...(r.span ? { span: r.span } : {}),
      ...(r.range ? { range: r.range } : {}),
    });
  }

  private post(msg: HostMessage): void {
    this.queue.send(msg);
  }

  /** Switch to a run (or the source's default) and subscribe to its growth. */
  private showRun(runId: string | null): void {
    this.pinnedRunId = runId;
    this.runLife?.dispose();
    this.runLife = undefined;
    this.cursor = undefined;
    this.stopFeed();
    const run = this.source.current(runId);
    this.run = run;
    if (!run) {
      this.post({ type: 'empty', message: 'No build run yet. Start one with "Build Diagnostics: Run Build".' });
      return;
    }
    const info = run.info();
    this.panel.title = `Build Diagnostics · ${info.buildName ?? info.command}`;
    const life = new Lifetime();
    life.register(run.store.onIngest(() => this.throttle.poke()));
    this.runLife = life;
    // Built now even while the webview is still loading: the queue holds it until the app
    // says ready, so building it overlaps the page load instead of following it.
    this.sendSnapshot();
  }

  private onSourceChange(): void {
    const next = this.source.current(this.pinnedRunId);
    if (next?.runId !== this.run?.runId) this.showRun(this.pinnedRunId);
    else {
      // Same run, new state (e.g. it finished): push the final report now.
      this.reportPending = true;
      this.throttle.poke();
    }
  }

  private stopFeed(): void {
    this.feed++;
    this.feeding = false;
  }

  /** The head at once (the webview paints from it), then the parts one per turn of the
   * event loop, so a 100k-span run does not hold the extension host for a second; deltas
   * wait until the last part is out. */
  private sendSnapshot(): void {
    const run = this.run;
    if (!run) return;
    const { head, parts, cursor } = snapshotFeed(run.store, run.info(), run.report());
    this.cursor = cursor;
    this.lastReportAt = Date.now();
    this.reportPending = false;
    this.stopFeed();
    const feed = this.feed;
    this.feeding = true;
    this.post(head);
    const next = () => {
      if (this.isDisposed || feed !== this.feed) return;
      const r = parts.next();
      if (r.done) {
        this.feeding = false;
        this.throttle.poke();
        return;
      }
      this.post(r.value);
      setTimeout(next, 0);
    };
    setTimeout(next, 0);
  }

  private flushDelta(): void {
    const run = this.run;
    const cursor = this.cursor;
    if (this.isDisposed || !run || !cursor || !this.queue.isReady || this.feeding) return;
    const grew = run.store.spans.length > cursor.spans || run.store.logs.length > cursor.logs;
    const info = run.info();
    const big = run.store.spans.length > BIG_RUN_SPANS;
    const due = !big || Date.now() - this.lastReportAt >= BIG_RUN_REPORT_MS || info.outcome !== 'running';
    let report = null;
    if ((grew || this.reportPending) && due) {
      report = run.report();
      this.lastReportAt = Date.now();
      this.reportPending = false;
    } else if (grew) {
      // Spans/logs now, the report once the interval has passed.
      this.reportPending = true;
      setTimeout(() => this.throttle.poke(), BIG_RUN_REPORT_MS);
    }
    if (!grew && !report) return;
    this.post({ type: 'delta', delta: buildDelta(run.store, info, cursor, report) });
  }

  private onMessage(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if (!msg) return; // not ours, or malformed: ignored (the webview is not trusted either)
    void this.handle(msg);
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready': {
        // A snapshot built while the app was loading is still current: deliver it as is.
        const waiting = this.queue.hasQueuedSnapshot;
        this.queue.markReady();
        if (this.run && !waiting) this.sendSnapshot();
        break;
      }
      case 'requestSnapshot':
        this.sendSnapshot();
        break;
      case 'requestRuns':
        this.post({ type: 'runs', runs: this.source.listRuns() });
        break;
      case 'requestCompare': {
        const base = this.source.loadReport(msg.runId);
        const current = this.run?.report();
        if (!base || !current) {
          this.post({ type: 'compareResult', runId: msg.runId, result: null, error: base ? 'No run is shown.' : 'That run has no readable report.json.' });
        } else {
          this.post({ type: 'compareResult', runId: msg.runId, result: compareReports(base, current), error: null });
        }
        break;
      }
      case 'openSource':
        await this.openSource(msg.file, msg.line, msg.column ?? null);
        break;
      case 'revealInTree':
        this.source.revealInTree?.(msg.task, msg.span);
        break;
      case 'stopBuild':
        if (msg.runId === this.run?.runId) this.source.stopBuild?.(msg.runId);
        break;
      case 'openArtifact':
        // The command checks that the path really is inside this run's bundle.
        if (this.run?.dir) await vscode.commands.executeCommand(commandId('openArtifact'), this.run.dir, msg.path);
        break;
    }
  }

  /** Opens a file named by telemetry only when it resolves inside a workspace folder. */
  private async openSource(file: string, line: number | null, column: number | null): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const target = resolveInWorkspace(file, folders.map((f) => f.uri.fsPath));
    if (!target) {
      void vscode.window.showWarningMessage(`Build Diagnostics: ${file} is not a file in this workspace.`);
      return;
    }
    const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(target), { selection: new vscode.Range(pos, pos), preview: true });
  }
}
