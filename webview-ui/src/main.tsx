// Entry of the panel app and of the HTML report (the same bundle): pick the host, restore
// saved state, render, and tell the host we are ready for data.
import './locale-guard.js';
import { render } from 'preact';
import '@vscode/codicons/dist/codicon.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { parsePanelState } from '../../src/protocol/messages.js';
import { createHost } from './bridge.js';
import { connect, restoreState } from './state.js';
import { watchTheme } from './theme.js';
import { App } from './app.js';

const host = createHost();
const saved = parsePanelState(host.getState());
if (saved) restoreState(saved);
watchTheme();
connect(host);
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
render(<App />, root);
host.post({ type: 'ready' });
