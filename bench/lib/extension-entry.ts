// The `vscode` stand-in of the unit tests, bundled for the activation benchmark.
export { installFakeVscode } from '../../test/unit/extension-fake-vscode.js';
