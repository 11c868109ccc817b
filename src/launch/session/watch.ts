// The live stall watch: ticks the StallMonitor about once a second and turns its current
// stall into start/update/end notifications for the views (the monitor's own records go
// into the store through `emit`).
import type { LogRecord } from '../../core/model.js';
import type { RunStore } from '../../core/store.js';
import type { StallMonitor } from '../../core/analysis/monitor.js';
import { lazy } from '../../core/lazy.js';
import { checkDataset, type DatasetDecl } from '../../core/analysis/datasetCheck.js';
import type { Stall } from '../../core/report/schema.js';
import { sampleProcessTree } from '../procstat.js';

const INTERVAL_MS = 1000;

export interface StallWatchOptions {
  store: RunStore;
  pid: number;
  cwd: string;
  thresholdS: number;
  datasets: DatasetDecl[];
  taskAttributes?: string[];
  record: (records: LogRecord[]) => void;
  notify: (stall: Stall, state: 'start' | 'update' | 'end') => void;
}

// The analyses behind the watch load when it starts, just after the build does.
const monitorModule = lazy(() => require('../../core/analysis/monitor.js') as typeof import('../../core/analysis/monitor.js'));

export function startStallWatch(o: StallWatchOptions): { stop(): void } {
  const monitor: StallMonitor = new (monitorModule().StallMonitor)({
    store: o.store,
    thresholdS: o.thresholdS,
    taskAttributes: o.taskAttributes,
    sampleProcess: () => {
      const s = sampleProcessTree(o.pid);
      return s ? { cpuSeconds: s.cpuSeconds, rssBytes: s.rssBytes, processCount: s.pids.length } : undefined;
    },
    recheck: () => o.datasets.map((d) => checkDataset(d, o.cwd, 'recheck')),
    emit: o.record,
  });
  let last: Stall | undefined;
  const timer = setInterval(() => {
    monitor.tick();
    const cur = monitor.current();
    if (cur && (!last || last.id !== cur.id)) o.notify(cur, 'start');
    else if (cur && last && JSON.stringify(cur) !== JSON.stringify(last)) o.notify(cur, 'update');
    else if (!cur && last) {
      const now = Date.now();
      const since = last.lastProgressAt ? Date.parse(last.lastProgressAt) : Date.parse(last.startedAt);
      o.notify({ ...last, endedAt: new Date(now).toISOString(), gapS: (now - since) / 1000 }, 'end');
    }
    last = cur;
  }, INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      monitor.dispose();
    },
  };
}
