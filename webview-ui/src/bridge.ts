// The app talks to one of two hosts: the VS Code extension (postMessage, state kept by
// VS Code) or nothing at all (the standalone HTML report, whose data sits in a
// non-executable JSON script element and whose state lives only in memory).
import { parseHostMessage, type HostMessage, type PanelState, type WebviewMessage } from '../../src/protocol/messages.js';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  /** True in the HTML report: no host to ask for compare, source, stop. */
  readonly readOnly: boolean;
  post(msg: WebviewMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
  /** Subscribe to validated host messages; invalid ones are dropped (and counted). */
  listen(fn: (msg: HostMessage) => void): void;
}

export let rejectedMessages = 0;

function vscodeHost(api: VsCodeApi): Host {
  return {
    readOnly: false,
    post: (msg) => api.postMessage(msg),
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
    listen(fn) {
      window.addEventListener('message', (ev: MessageEvent) => {
        const msg = parseHostMessage(ev.data);
        if (msg) fn(msg);
        else rejectedMessages++;
      });
    },
  };
}

function standaloneHost(): Host {
  let state: unknown;
  return {
    readOnly: true,
    post: () => {},
    getState: () => state,
    setState: (s) => {
      state = s;
    },
    listen(fn) {
      // textContent of a JSON script element: never parsed as HTML or run as script.
      const el = document.getElementById('run-data');
      let data: unknown;
      try {
        data = JSON.parse(el?.textContent ?? 'null');
      } catch {
        data = null;
      }
      const msg = parseHostMessage({ type: 'snapshot', snapshot: data });
      queueMicrotask(() => fn(msg ?? { type: 'empty', message: 'This report holds no readable run data.' }));
    },
  };
}

export function createHost(): Host {
  return typeof acquireVsCodeApi === 'function' ? vscodeHost(acquireVsCodeApi()) : standaloneHost();
}
