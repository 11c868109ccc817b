// The run machinery the extension loads on first use (a run, a finished run shown in the
// panel, the effective-configuration command): sessions, receiver, OTel SDK, store, analyses,
// reports. Bundled apart (dist/lazy/engine.js, esbuild.mjs) so that activation parses and
// evaluates none of it. The extension holds what this returns only through its methods and
// data (no `instanceof` across the boundary: the engine has its own copy of shared code).
// No `vscode` here.
export { BuildSession } from '../launch/session.js';
export { buildReport } from '../core/report/build.js';
export { loadBundle } from '../bundle/reader.js';
export { RunStore } from '../core/store.js';
export { effectiveConfigMarkdown } from './effectiveConfig.js';
