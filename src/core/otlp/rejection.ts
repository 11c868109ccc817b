// The partial-success message of an export: no decoder here, so that the main thread can
// word it without loading the decoders (docs/performance.md, "Launch overhead").

/** The partial-success message of a request's rejected items ('' when none). */
export function rejectionMessage(rejectedItems: number, reasons: readonly string[]): string {
  if (rejectedItems === 0) return '';
  return `${reasons.join('; ')}${rejectedItems > reasons.length ? ` (and ${rejectedItems - reasons.length} more)` : ''}`;
}
