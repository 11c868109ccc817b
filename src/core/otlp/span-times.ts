// Span times the fast protobuf decoder has already split into seconds + nanoseconds, handed
// to normalize so it need not parse the decimal strings back (the model keeps times as
// seconds + nanoseconds, spanObject.ts). One table, reused: it describes the spans of the
// request decoded last, in request order, until that request is normalized. normalize uses
// an entry only for that request and only while the span still holds the very string the
// entry was made with, so a request changed after decoding stays correct (those spans are
// parsed as before) and no other request ever reads it.
let owner: object | undefined;
let count = 0;
/** Per span: start and end as decimal strings. */
const text: string[] = [];
/** Per span: start seconds, start nanoseconds, end seconds, end nanoseconds. */
let nums = new Float64Array(4096);

/** The times found by {@link lookupSpanTimes}. */
export const foundTimes = { startS: 0, startNs: 0, endS: 0, endNs: 0 };

export function beginSpanTimes(): void {
  owner = undefined;
  count = 0;
  text.length = 0;
}

export function recordSpanTimes(start: string, startS: number, startNs: number, end: string, endS: number, endNs: number): void {
  const k = count++;
  if (4 * k + 4 > nums.length) {
    const grown = new Float64Array(nums.length * 2);
    grown.set(nums);
    nums = grown;
  }
  text.push(start, end);
  nums[4 * k] = startS;
  nums[4 * k + 1] = startNs;
  nums[4 * k + 2] = endS;
  nums[4 * k + 3] = endNs;
}

/** The table now describes `req`. */
export function finishSpanTimes(req: object): void {
  owner = req;
}

/** Whether the table describes `req`. */
export function hasSpanTimes(req: object): boolean {
  return owner === req;
}

/** Span `k` of the request {@link hasSpanTimes} accepted: whether it still has the times
 * it was decoded with; if so their numbers are in {@link foundTimes}. */
export function lookupSpanTimes(k: number, start: string, end: string): boolean {
  if (k >= count || text[2 * k] !== start || text[2 * k + 1] !== end) return false;
  foundTimes.startS = nums[4 * k]!;
  foundTimes.startNs = nums[4 * k + 1]!;
  foundTimes.endS = nums[4 * k + 2]!;
  foundTimes.endNs = nums[4 * k + 3]!;
  return true;
}

/** Drops the table (and its strings) once its request is normalized. */
export function releaseSpanTimes(req: object): void {
  if (owner === req) beginSpanTimes();
}
