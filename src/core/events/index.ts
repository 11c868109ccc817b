// Recognized events: log records and span events whose name matches a known schema, decoded
// into typed payloads. See docs/events.md for the table of events and field types.
export { KNOWN_EVENT_NAMES, isEvent, isKnownEventName, recognizeLog, recognizeSpanEvents } from './recognize.js';
export {
  MAX_COLLECTION_ITEMS,
  MAX_JSON_CHARS,
  PIPELINE_TRUNCATION_LIMIT,
  REDACTED,
  isUnparsed,
  mayBeTruncated,
  redactable,
  type Redacted,
} from './fields.js';
export { EVENT_SCHEMAS, type KnownEventName } from './schemas.js';
export type * from './types.js';
