// Typed messages between the extension host and the panel webview, each direction a zod
// discriminated union. Both sides parse every message they receive with these schemas and
// drop what does not parse (house style 5: typed descriptors + validation on receipt).
import { z } from 'zod';
import { CompareResultSchema, RunDeltaSchema, RunListEntrySchema, SnapshotHeadSchema, SnapshotPartSchema } from './schema.js';

export const SECTIONS = ['overview', 'timeline', 'tasks', 'readiness', 'metrics', 'logs', 'compare'] as const;
export const SectionSchema = z.enum(SECTIONS);
export type Section = z.infer<typeof SectionSchema>;

export const SpanRefSchema = z.object({ traceId: z.string().max(64), spanId: z.string().max(32) });
export type SpanRef = z.infer<typeof SpanRefSchema>;

export const TimeRangeSchema = z.object({ startMs: z.number(), endMs: z.number() });
export type TimeRange = z.infer<typeof TimeRangeSchema>;

// ---- host → webview ------------------------------------------------------------------
export const HostMessageSchema = z.discriminatedUnion('type', [
  /** A run from the start: the head now, its parts (`part`) right after, in order. */
  z.object({ type: z.literal('snapshot'), snapshot: SnapshotHeadSchema }),
  z.object({ type: z.literal('part'), part: SnapshotPartSchema }),
  z.object({ type: z.literal('delta'), delta: RunDeltaSchema }),
  /** No run to show yet (the panel was opened before any build). */
  z.object({ type: z.literal('empty'), message: z.string() }),
  z.object({ type: z.literal('runs'), runs: z.array(RunListEntrySchema) }),
  z.object({
    type: z.literal('compareResult'),
    runId: z.string(),
    result: CompareResultSchema.nullable(),
    error: z.string().nullable(),
  }),
  z.object({
    type: z.literal('reveal'),
    section: SectionSchema,
    task: z.string().optional(),
    span: SpanRefSchema.optional(),
    /** A time range to bring into view on the timeline (e.g. a stall), epoch ms. */
    range: TimeRangeSchema.optional(),
  }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

// ---- webview → host ------------------------------------------------------------------
// Bounded strings: a compromised or buggy webview must not make the host open odd paths.
export const WebviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('openSource'),
    file: z.string().min(1).max(4096),
    line: z.number().int().min(1).max(10_000_000).nullable(),
    column: z.number().int().min(1).max(100_000).nullable().optional(),
  }),
  z.object({ type: z.literal('requestRuns') }),
  z.object({ type: z.literal('requestCompare'), runId: z.string().min(1).max(200) }),
  /** The snapshot went out of step (a delta was missed): send a fresh one. */
  z.object({ type: z.literal('requestSnapshot') }),
  z.object({ type: z.literal('revealInTree'), task: z.string().max(1000).optional(), span: SpanRefSchema.optional() }),
  z.object({ type: z.literal('stopBuild'), runId: z.string().max(200) }),
  /** A build artifact listed in the Overview: a path inside the run's bundle (`artifacts/…`). */
  z.object({ type: z.literal('openArtifact'), path: z.string().min(1).max(4096) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** What the webview keeps in `vscode.setState` so that hiding or reloading the window
 * reopens the same view; the serializer hands it back to the host on revival. */
export const PanelStateSchema = z.object({
  runId: z.string().max(200).nullable(),
  section: SectionSchema,
  selected: SpanRefSchema.nullable(),
  logFilter: z.object({ text: z.string().max(1000), minSeverity: z.string().max(20), tail: z.boolean() }),
  taskFilter: z.string().max(1000),
  compareRunId: z.string().max(200).nullable(),
});
export type PanelState = z.infer<typeof PanelStateSchema>;

export function parseHostMessage(data: unknown): HostMessage | undefined {
  const r = HostMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
  const r = WebviewMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parsePanelState(data: unknown): PanelState | undefined {
  const r = PanelStateSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
