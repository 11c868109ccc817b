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
  /** Subscribe to host messages, in order. Each arrives as a reader that deserializes and
   * validates it when called (undefined when invalid: dropped and counted), so a big
   * message costs nothing until the app is ready to apply it. */
  listen(fn: (read: () => HostMessage | undefined) => void): void;
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
        // ev.data is deserialized on first access: not here, when its turn comes.
        fn(() => {
          const msg = parseHostMessage(ev.data);
          if (!msg) rejectedMessages++;
          return msg;
        });
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
      // The report carries the messages the panel host would post, each in a JSON script
      // element (textContent: never parsed as HTML or run as script): the head
      // (#run-data) before the app script, the parts after it, read once parsed.
      const head = readElement(document.getElementById('run-data'));
      fn(() => head() ?? { type: 'empty', message: 'This report holds no readable run data.' });
      const parts = () => {
        for (const el of document.querySelectorAll('script[type="application/json"][data-part]')) fn(readElement(el));
      };
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', parts, { once: true });
      else parts();
    },
  };
}

function readElement(el: Element | null): () => HostMessage | undefined {
  return () => {
    let data: unknown;
    try {
      data = JSON.parse(el?.textContent ?? 'null');
    } catch {
      data = null;
    }
    const msg = parseHostMessage(data);
    if (!msg) rejectedMessages++;
    return msg;
  };
}

export function createHost(): Host {
  return typeof acquireVsCodeApi === 'function' ? vscodeHost(acquireVsCodeApi()) : standaloneHost();
}
