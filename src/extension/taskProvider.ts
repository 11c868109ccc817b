// Build tasks: type `build-diagnostics` with `{ "build": "<name>" }` or an inline
// `command`. A CustomExecution pseudoterminal runs the build through the same Launcher as a
// palette run (same diagnostics), passing the child's raw output through, colours kept.
import * as vscode from 'vscode';
import { StringDecoder } from 'node:string_decoder';
import { buildFromTask, type TaskDefinitionLike } from './buildSpec.js';
import type { SettingsReader } from './config.js';
import type { Launcher } from './launcher.js';
import type { LiveRun } from './runController.js';
import { TASK_TYPE } from './registry.js';
import { formatDuration } from './viewModel.js';
import { toTerminal } from './terminalText.js';

class BuildTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private run: LiveRun | undefined;
  private closed = false;

  constructor(
    private readonly def: TaskDefinitionLike,
    private readonly name: string,
    private readonly launcher: Launcher,
    private readonly settings: SettingsReader,
  ) {}

  private write(s: string): void {
    if (!this.closed) this.writer.fire(toTerminal(s));
  }

  private end(code: number): void {
    if (this.closed) return;
    this.closer.fire(code);
    this.closed = true;
    this.writer.dispose();
    this.closer.dispose();
  }

  open(): void {
    const build = buildFromTask(this.def, this.settings.current.settings, this.name);
    if (typeof build === 'string') {
      this.write(`Build Diagnostics: ${build}\n`);
      this.end(2);
      return;
    }
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    this.write(`\x1b[1mBuild Diagnostics\x1b[0m: running ${build.name}\n`);
    const run = this.launcher.start(build, { onOutput: (stream, chunk) => this.write(decoders[stream].write(chunk)) });
    if (!run) {
      this.write(`Build Diagnostics: ${this.launcher.cannotRun() ?? 'the build did not start (see the notification)'}\n`);
      this.end(1);
      return;
    }
    this.run = run;
    void run.done.then(() => {
      if (run.error) {
        this.write(`\nBuild Diagnostics: did not start: ${run.error.message}\n`);
        this.end(1);
        return;
      }
      const r = run.result!;
      this.write(`\n\x1b[1mBuild Diagnostics\x1b[0m: ${build.name} ${r.info.outcome} in ${formatDuration(r.info.durationMs)} — bundle ${r.bundleDir}\n`);
      this.end(r.exitCode);
    });
  }

  handleInput(data: string): void {
    if (data === '\x03' && this.run?.running) {
      this.write('^C stopping…\n');
      void this.run.stop();
    }
  }

  /** The user closed the terminal or VS Code terminated the task: stop the build. */
  close(): void {
    if (this.run?.running) void this.run.stop();
    this.closed = true;
  }
}

export class BuildTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly launcher: Launcher,
    private readonly settings: SettingsReader,
  ) {}

  private task(def: vscode.TaskDefinition, name: string, scope: vscode.WorkspaceFolder | vscode.TaskScope): vscode.Task {
    const exec = new vscode.CustomExecution(async (resolved) => new BuildTerminal(resolved as TaskDefinitionLike, name, this.launcher, this.settings));
    // An explicit empty list of problem matchers: diagnostics come from the analyses, and
    // VS Code then does not ask which matcher to use.
    const task = new vscode.Task(def, scope, name, TASK_TYPE, exec, []);
    task.group = vscode.TaskGroup.Build;
    task.detail = typeof def.build === 'string' ? `Build Diagnostics build "${def.build}"` : 'Build Diagnostics inline command';
    return task;
  }

  provideTasks(): vscode.Task[] {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return [];
    return this.settings.current.settings.builds.map((b) => this.task({ type: TASK_TYPE, build: b.name }, b.name, folder));
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as vscode.TaskDefinition & TaskDefinitionLike;
    if (typeof def.build !== 'string' && def.command === undefined) return undefined;
    // The definition object must be the one VS Code gave us (it matches tasks.json on it).
    return this.task(def, task.name, task.scope ?? vscode.TaskScope.Workspace);
  }
}
