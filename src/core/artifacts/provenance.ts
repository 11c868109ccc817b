// Where telemetry came from when it did not come through the authenticated per-run
// receiver. The mark is a resource attribute on the canonical OTLP request *before* it is
// normalised and written to the bundle, so it survives a re-read of telemetry.otlp.jsonl
// and every view can tell "sent to us with the run's token" from the rest.
import type { OtlpKeyValue, OtlpRequest, OtlpResource, OtlpSignal } from '../otlp/types.js';

/** Resource attribute naming the path the data took; absent = the per-run receiver. */
export const RECEIVED_VIA_KEY = 'build_diagnostics.received_via';

/** Values of RECEIVED_VIA_KEY. `default_port.*` data arrived unauthenticated on the standard
 * OTLP port (127.0.0.1:4318 / :4317); `artifact` data was read from a file the build wrote. */
export type ReceivedVia = 'default_port.http' | 'default_port.grpc' | 'artifact';

const RESOURCE_LIST: Record<OtlpSignal, 'resourceSpans' | 'resourceLogs' | 'resourceMetrics'> = {
  traces: 'resourceSpans',
  logs: 'resourceLogs',
  metrics: 'resourceMetrics',
};

/** A copy of `request` whose every resource carries `key = value` (replacing a value the
 * sender may have put there: a sender must not be able to claim another provenance). */
export function withResourceAttribute(signal: OtlpSignal, request: OtlpRequest, key: string, value: string): OtlpRequest {
  const field = RESOURCE_LIST[signal];
  const list: { resource?: OtlpResource }[] = request[field] ?? [];
  const marked = list.map((rs) => {
    const attrs: OtlpKeyValue[] = (rs.resource?.attributes ?? []).filter((kv) => kv.key !== key);
    attrs.push({ key, value: { stringValue: value } });
    return { ...rs, resource: { ...rs.resource, attributes: attrs } };
  });
  return { ...request, [field]: marked } as OtlpRequest;
}

export function markReceivedVia(signal: OtlpSignal, request: OtlpRequest, via: ReceivedVia): OtlpRequest {
  return withResourceAttribute(signal, request, RECEIVED_VIA_KEY, via);
}
