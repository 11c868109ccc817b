// What the build itself said about its result. CodeAnatomy exits 0 even when its computed
// exit code is not (codeanatomy-telemetry.md §2), so `cli_invocation_v1` and `build.failure`
// decide a failure that the process status hides.
import { isEvent } from '../events/isEvent.js';
import type { ReportedResult } from '../run.js';
import type { RunStore } from '../store.js';

export function reportedResult(store: RunStore): ReportedResult {
  let reportedExitCode: number | null = null;
  let reportedFailure = false;
  let errorType: string | null = null;
  for (const e of store.events) {
    if (isEvent(e, 'cli_invocation_v1')) {
      const p = e.payload;
      if (typeof p.exit_code === 'number') reportedExitCode = p.exit_code;
      if (p.ok === false) reportedFailure = true;
      if (typeof p.error_class === 'string' && p.error_class) errorType = p.error_class;
    } else if (isEvent(e, 'build.failure')) {
      reportedFailure = true;
      if (errorType === null && typeof e.payload.error_type === 'string' && e.payload.error_type) errorType = e.payload.error_type;
    }
  }
  return { reportedExitCode, reportedFailure, errorType };
}
