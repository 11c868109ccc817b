// The app shell: a header, a tab list of the sections (arrow keys move between tabs, as the
// WAI-ARIA tabs pattern asks) and the active section.
import { useRef } from 'preact/hooks';
import { SECTIONS, type Section } from '../../src/protocol/messages.js';
import { data, emptyMessage, getHost, live, report, section } from './state.js';
import { Overview } from './sections/overview.js';
import { Tasks } from './sections/tasks.js';
import { Readiness } from './sections/readiness.js';
import { Metrics } from './sections/metrics.js';
import { Logs } from './sections/logs.js';
import { Compare } from './sections/compare.js';
import { Timeline } from './timeline/view.js';

const LABELS: Record<Section, { label: string; icon: string }> = {
  overview: { label: 'Overview', icon: 'dashboard' },
  timeline: { label: 'Timeline', icon: 'graph-line' },
  tasks: { label: 'Tasks', icon: 'checklist' },
  readiness: { label: 'Readiness', icon: 'database' },
  metrics: { label: 'Metrics', icon: 'pulse' },
  logs: { label: 'Logs', icon: 'output' },
  compare: { label: 'Compare', icon: 'diff' },
};

function Body({ s }: { s: Section }) {
  switch (s) {
    case 'overview': return <Overview />;
    case 'timeline': return <Timeline />;
    case 'tasks': return <Tasks />;
    case 'readiness': return <Readiness />;
    case 'metrics': return <Metrics />;
    case 'logs': return <Logs />;
    case 'compare': return <Compare />;
  }
}

export function App() {
  const r = report.value;
  const tabs = useRef<HTMLDivElement>(null);
  if (!r) {
    return (
      <main class="empty" aria-live="polite">
        <p>{emptyMessage.value ?? 'Waiting for run data…'}</p>
      </main>
    );
  }
  const current = section.value;
  const onKey = (e: KeyboardEvent) => {
    const i = SECTIONS.indexOf(current);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % SECTIONS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + SECTIONS.length) % SECTIONS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = SECTIONS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    section.value = SECTIONS[next]!;
    tabs.current?.querySelectorAll<HTMLButtonElement>('[role=tab]')[next]?.focus();
  };
  return (
    <div class="app" data-ready="1">
      <header class="app-header">
        <h1>
          Build run <span class="mono">{r.run.runId.slice(0, 13)}</span> · {r.run.command}
        </h1>
        {live.value ? <span class="badge live">live</span> : null}
        {getHost()?.readOnly ? <span class="badge">report</span> : null}
        {data.omitted.spans > 0 ? <span class="badge warn">{data.omitted.spans} spans not loaded</span> : null}
      </header>
      <div class="tabs" role="tablist" aria-label="Sections" ref={tabs} onKeyDown={onKey}>
        {SECTIONS.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            id={`tab-${s}`}
            aria-selected={s === current}
            aria-controls={`panel-${s}`}
            tabIndex={s === current ? 0 : -1}
            class={s === current ? 'tab active' : 'tab'}
            onClick={() => (section.value = s)}
          >
            <span class={`codicon codicon-${LABELS[s].icon}`} aria-hidden="true" /> {LABELS[s].label}
          </button>
        ))}
      </div>
      <div class={`section section-${current}`} role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`}>
        <Body s={current} />
      </div>
    </div>
  );
}
