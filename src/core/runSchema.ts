// The zod schemas of run.json (a RunInfo, src/core/run.ts), for the code that reads one back.
import { z } from 'zod';
import { RUN_SCHEMA } from './run.js';

export const OutcomeSchema = z.enum(['running', 'success', 'failure', 'cancelled']);

export const ArtifactEntrySchema = z.object({
  path: z.string(),
  bytes: z.number(),
  sha256: z.string(),
});

export const RunInfoSchema = z.object({
  schema: z.literal(RUN_SCHEMA),
  runId: z.string(),
  /** Base name of the command's first token. Never arguments. */
  command: z.string(),
  tokenCount: z.number().int().nonnegative(),
  cwd: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  reportedExitCode: z.number().int().nullable(),
  outcome: OutcomeSchema,
  errorType: z.string().nullable(),
  /** Trace id of our `build.invocation` root span. */
  traceId: z.string(),
  /** Name of the build configuration, when launched from one. */
  buildName: z.string().nullable().optional(),
  pid: z.number().int().nullable().optional(),
  /** Problems of our own while recording (disk full, caps reached, …), for the report. */
  warnings: z.array(z.string()).optional(),
  artifacts: z.array(ArtifactEntrySchema).optional(),
  toolVersion: z.string().optional(),
  /** Span attributes that name a task, when the build configuration overrides the default;
   * kept so that `build-diag report` rebuilds the same plan diff. */
  taskAttributes: z.array(z.string()).optional(),
  /** Links for the report and the panel: the trace in the team's trace viewer
   * (`traceUrlTemplate`), the Hamilton UI project/run. http(s) only. */
  links: z.array(z.object({ label: z.string(), url: z.string() })).optional(),
});
