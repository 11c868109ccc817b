// Tolerant readers for payload values that may be a native list/map, a JSON string of one
// (the pipeline's wire quirk, codeanatomy-telemetry.md §3), a truncated JSON string, the
// literal "[redacted]", or absent. The events module decodes known events already; these
// helpers cover our own generic events (read from raw attributes) and whatever the decoder
// had to leave as a raw string. Nothing here throws; outputs are bounded.

export const REDACTED = '[redacted]';
/** Upper bound on list items / map keys read from untrusted input. */
export const MAX_ITEMS = 10_000;
/** Longest name (task, dataset, stage) we keep; longer ones are cut. */
export const MAX_NAME_CHARS = 512;
const MAX_JSON_CHARS = 1_000_000;

function parseJson(s: string): unknown {
  if (s.length > MAX_JSON_CHARS) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** A usable name: a non-empty, non-redacted string (numbers stringified), trimmed, bounded. */
export function asName(v: unknown): string | undefined {
  let s: string | undefined;
  if (typeof v === 'string') s = v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
  if (s === undefined || s === '' || s === REDACTED) return undefined;
  return s.length > MAX_NAME_CHARS ? s.slice(0, MAX_NAME_CHARS) : s;
}

/** The complete quoted strings of a JSON array cut short by an attribute length limit,
 * e.g. `["a","b","c` → a, b. */
function salvageTruncated(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null && out.length < MAX_ITEMS) {
    const v = parseJson(`"${m[1]}"`);
    if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** A list of names from any of the spellings above; duplicates and unusable items dropped,
 * order kept. A plain non-JSON string is read as a one-item list. */
export function asList(v: unknown): string[] {
  let items: unknown[] | undefined;
  if (Array.isArray(v)) items = v;
  else if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || t === REDACTED) return [];
    if (t.startsWith('[')) {
      const p = parseJson(t);
      items = Array.isArray(p) ? p : salvageTruncated(t);
    } else return asName(t) !== undefined ? [asName(t)!] : [];
  } else return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    if (out.length >= MAX_ITEMS) break;
    const n = asName(item);
    if (n !== undefined && !seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A map from a native object or a JSON-string object; anything else → {}. Values raw. */
export function asMap(v: unknown): Record<string, unknown> {
  let o: unknown = v;
  if (typeof v === 'string') o = v.trim().startsWith('{') ? parseJson(v) : undefined;
  if (!isPlainObject(o)) return {};
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let n = 0;
  for (const [k, val] of Object.entries(o)) {
    if (n++ >= MAX_ITEMS) break;
    out[k] = val;
  }
  return out;
}

/** task → names (plan dependencies/inputs): values may be lists, JSON strings or scalars. */
export function asListMap(v: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, val] of Object.entries(asMap(v))) {
    const key = asName(k);
    if (key !== undefined) out.set(key, asList(val));
  }
  return out;
}

/** A finite number (decimal strings accepted), else undefined; "[redacted]" → undefined. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return undefined;
}

/** A stable fingerprint of a counter map (heartbeat dataset_rows etc.) for change detection. */
export function mapSignature(v: unknown): string {
  const m = asMap(v);
  const keys = Object.keys(m).sort();
  return keys.map((k) => `${k}=${String(asNumber(m[k]) ?? m[k])}`).join(',');
}

/** Nanoseconds (bigint) → ISO string; ms precision. */
export function isoOfNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** Seconds since the epoch (float) → ISO string, or null when not a usable time. */
export function isoOfUnixS(s: number | undefined): string | null {
  if (s === undefined || !Number.isFinite(s) || s <= 0 || s > 1e11) return null;
  return new Date(Math.round(s * 1000)).toISOString();
}
