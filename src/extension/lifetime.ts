// Explicit lifetimes (extension > run > panel): a Lifetime owns disposables and releases
// them together; anything registered after it ended is disposed at once, so a late
// callback cannot leak a listener.
import type * as vscode from 'vscode';

export class Lifetime implements vscode.Disposable {
  private items: { dispose(): unknown }[] = [];
  private ended = false;

  register<T extends { dispose(): unknown }>(d: T): T {
    if (this.ended) d.dispose();
    else this.items.push(d);
    return d;
  }

  get isDisposed(): boolean {
    return this.ended;
  }

  dispose(): void {
    if (this.ended) return;
    this.ended = true;
    const items = this.items.reverse();
    this.items = [];
    for (const d of items) {
      try {
        d.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}
