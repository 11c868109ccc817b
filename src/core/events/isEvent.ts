// The typed-event guard, apart from the schemas (recognize.ts) so that the analyses that only
// read recognized events do not load them.
import type { KnownEventName } from './schemas.js';
import type { KnownEvent, RecognizedEvent } from './types.js';

/** Narrows `e` to the known event `name` (typed payload). */
export function isEvent<N extends KnownEventName>(e: RecognizedEvent, name: N): e is KnownEvent<N> & RecognizedEvent {
  return e.known && e.name === name;
}
