// The root span's ids, drawn before the span exists: the session hands TRACEPARENT to the
// build first and creates the span (loading the OTel SDK, rootSpan.ts) while it boots.
export interface RootSpanIds {
  traceId: string;
  spanId: string;
}

/** Ids for a root span created later (hex: 16 bytes of trace id, 8 of span id). */
export function rootSpanIds(random: (n: number) => Buffer): RootSpanIds {
  return { traceId: random(16).toString('hex'), spanId: random(8).toString('hex') };
}

export function traceparentOf(ids: RootSpanIds): string {
  return `00-${ids.traceId}-${ids.spanId}-01`;
}
