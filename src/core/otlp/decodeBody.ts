// A request body of either OTLP/HTTP encoding → the canonical request, with the items the
// decoder refused counted and the first few reasons kept for the partial-success message.
// Shared by the receiver's in-thread path and the ingest worker. Throws OtlpDecodeError when
// the body as a whole does not decode (a 400).
import { decodeJson } from './from-json.js';
import { decodeProtobuf } from './from-proto.js';
import type { OtlpRequest, OtlpSignal } from './types.js';

/** Most reasons quoted in a partial-success message. */
const MAX_REASONS = 3;
/** Non-fatal: invalid UTF-8 becomes U+FFFD rather than a rejected request; strips a BOM. */
const utf8 = new TextDecoder('utf-8');

export interface DecodedBody {
  request: OtlpRequest;
  rejectedItems: number;
  /** At most three reasons, in order. */
  reasons: string[];
}

export function decodeBody(signal: OtlpSignal, encoding: 'protobuf' | 'json', body: Uint8Array): DecodedBody {
  const reasons: string[] = [];
  let rejectedItems = 0;
  const opts = {
    onItemRejected: (m: string) => {
      rejectedItems++;
      if (reasons.length < MAX_REASONS) reasons.push(m);
    },
  };
  const request = encoding === 'protobuf' ? decodeProtobuf(signal, body, opts) : decodeJson(signal, utf8.decode(body), opts);
  return { request, rejectedItems, reasons };
}

