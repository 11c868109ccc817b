// Apart from the encoders (encode.ts), which load protobufjs: a receiver names these codes
// before it has encoded anything.
/** gRPC status codes used in error bodies (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
