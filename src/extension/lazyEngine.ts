// The extension's way to the run machinery (engine.ts): loaded on first use.
import { lazy } from '../core/lazy.js';

export const engine = lazy(() => require('./engine.js') as typeof import('./engine.js'));
