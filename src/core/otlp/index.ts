// OTLP codec: wire formats (protobuf, JSON) ⇄ canonical OTLP/JSON ⇄ the normalized model.
// Pure: no node APIs, so the extension, the CLI and tests share it.
export { decodeProtobuf } from './from-proto.js';
export { decodeProtobufReference } from './from-proto-reference.js';
export { decodeJson, decodeJsonValue } from './from-json.js';
export { decodeBody, type DecodedBody } from './decodeBody.js';
export { rejectionMessage } from './rejection.js';
export { normalize, reviveSpans, toAttrMap, toAttrValue } from './normalize.js';
export { StoredSpan, spanFrom } from './spanObject.js';
export { logsToOtlp, spansToOtlp, fromAttrMap, fromAttrValue } from './to-otlp.js';
export {
  encodeProtobuf,
  encodeExportResponse,
  encodeRpcStatus,
  decodeRpcStatus,
  decodeExportResponse,
  RpcCode,
} from './encode.js';
export { OtlpDecodeError } from './types.js';
export type * from './types.js';
