// Which receiver the build's exporters are pointed at (no gRPC code: the gRPC receiver is
// loaded only for runs that use it).
/** What the launcher puts in OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL for a chosen protocol.
 * HTTP flavours share the HTTP receiver (it takes both encodings on the same paths); grpc
 * needs the gRPC receiver's URL. */
export function endpointsFor(
  protocol: 'http/protobuf' | 'http/json' | 'grpc' | undefined,
  receivers: { httpUrl: string; grpcUrl?: string },
): { endpoint: string; protocol: 'http/protobuf' | 'http/json' | 'grpc' } {
  const p = protocol ?? 'http/protobuf';
  if (p === 'grpc') {
    if (!receivers.grpcUrl) throw new Error('protocol grpc needs the gRPC receiver to be running');
    return { endpoint: receivers.grpcUrl, protocol: 'grpc' };
  }
  return { endpoint: receivers.httpUrl, protocol: p };
}
