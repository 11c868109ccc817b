// Tasks: the plan-vs-execution table, sortable by any column and filterable by text and
// status. Selecting a task reveals its span in the timeline.
import { useMemo, useState } from 'preact/hooks';
import { getHost, report, selectSpan, taskFilter } from '../state.js';
import { fmtDuration, fmtInt } from '../format.js';
import type { Task } from '../../../src/core/report/schema.js';

type Col = 'name' | 'status' | 'reason' | 'blockedBy' | 'durationMs' | 'rows';
const COLS: { col: Col; label: string }[] = [
  { col: 'name', label: 'Task' },
  { col: 'status', label: 'Status' },
  { col: 'reason', label: 'Reason' },
  { col: 'blockedBy', label: 'Blocked by' },
  { col: 'durationMs', label: 'Duration' },
  { col: 'rows', label: 'Rows' },
];

function sortValue(t: Task, c: Col): string | number {
  const v = c === 'blockedBy' ? t.blockedBy.join(',') : t[c];
  return v === null || v === undefined ? (c === 'durationMs' || c === 'rows' ? -1 : '') : v;
}

export function Tasks() {
  const r = report.value;
  const [sort, setSort] = useState<{ col: Col; dir: 1 | -1 }>({ col: 'durationMs', dir: -1 });
  const [status, setStatus] = useState('all');
  const filter = taskFilter.value;
  const host = getHost();
  const tasks = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = (r?.planDiff.tasks ?? []).filter(
      (t) => (status === 'all' || t.status === status) && (q === '' || t.name.toLowerCase().includes(q) || t.blockedBy.some((b) => b.toLowerCase().includes(q))),
    );
    return list.sort((a, b) => {
      const x = sortValue(a, sort.col);
      const y = sortValue(b, sort.col);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || (a.name < b.name ? -1 : 1);
    });
  }, [r, sort, status, filter]);
  if (!r) return null;
  const statuses = [...new Set(r.planDiff.tasks.map((t) => t.status))].sort();
  const open = (t: Task) => {
    if (t.span) selectSpan(t.span);
  };
  return (
    <div class="tasks">
      <div class="toolbar" role="toolbar" aria-label="Task filters">
        <label class="search">
          <span class="codicon codicon-filter" aria-hidden="true" />
          <input type="search" aria-label="Filter tasks by name or blocker" placeholder="Filter tasks" value={filter} onInput={(e) => (taskFilter.value = (e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          Status{' '}
          <select aria-label="Task status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
            <option value="all">all</option>
            {statuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <span class="muted" data-testid="task-count">{tasks.length} of {r.planDiff.tasks.length} tasks · plan from {r.planDiff.source}</span>
      </div>
      {r.planDiff.tasks.length === 0 ? <p class="muted">The build announced no plan and ran no recognizable tasks.</p> : null}
      <table class="grid" aria-label="Tasks">
        <thead>
          <tr>
            {COLS.map(({ col, label }) => (
              <th key={col} scope="col" aria-sort={sort.col === col ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
                <button type="button" class="sort" onClick={() => setSort({ col, dir: sort.col === col ? (sort.dir === 1 ? -1 : 1) : col === 'durationMs' || col === 'rows' ? -1 : 1 })}>
                  {label}
                  {sort.col === col ? <span class={`codicon codicon-arrow-${sort.dir === 1 ? 'up' : 'down'}`} aria-hidden="true" /> : null}
                </button>
              </th>
            ))}
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.name} class={`status-${t.status}`} tabIndex={0} aria-label={`${t.name}: ${t.status}`} onClick={() => open(t)} onKeyDown={(e) => { if (e.key === 'Enter') open(t); }} data-task={t.name}>
              <td>{t.name}{t.expected ? '' : <span class="muted"> (not in plan)</span>}</td>
              <td><span class={`badge st-${t.status}`}>{t.status}</span></td>
              <td>{t.reason ?? ''}</td>
              <td>{t.blockedBy.join(', ')}</td>
              <td class="num">{fmtDuration(t.durationMs)}</td>
              <td class="num">{fmtInt(t.rows)}</td>
              <td class="actions">
                {t.span ? <button type="button" class="icon" aria-label={`Show ${t.name} in the timeline`} title="Show in timeline" onClick={(e) => { e.stopPropagation(); open(t); }}><span class="codicon codicon-graph-line" aria-hidden="true" /></button> : null}
                {t.file && host && !host.readOnly ? <button type="button" class="icon" aria-label={`Open source of ${t.name}`} title="Open source" onClick={(e) => { e.stopPropagation(); host.post({ type: 'openSource', file: t.file!, line: t.line }); }}><span class="codicon codicon-go-to-file" aria-hidden="true" /></button> : null}
                {host && !host.readOnly ? <button type="button" class="icon" aria-label={`Reveal ${t.name} in the Build Diagnostics tree`} title="Reveal in tree" onClick={(e) => { e.stopPropagation(); host.post({ type: 'revealInTree', task: t.name, ...(t.span ? { span: t.span } : {}) }); }}><span class="codicon codicon-list-tree" aria-hidden="true" /></button> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
