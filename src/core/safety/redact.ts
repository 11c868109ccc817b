// Redaction rules: what must never be stored or forwarded (docs/diagnostics-policy.md).
//
// Two kinds of rule, both applied on ingest before anything reaches the store, the bundle
// or a forwarding backend:
//  * key rules — an attribute (or a map entry of a log body) whose key contains one of the
//    configured substrings, case-insensitive, gets the value `[redacted]`. The defaults are
//    the ones the CodeAnatomy pipeline applies itself (codeanatomy-telemetry.md §3), so a
//    build that forgets is treated the same as one that remembers;
//  * value rules — secret-shaped text (bearer tokens, AWS access key ids, private-key
//    blocks, `password=…` pairs, credentials in URLs, well-known token formats) is masked
//    wherever free text is kept: string attribute values, log bodies, span status messages
//    and the build's stdout/stderr lines.
// Pure: no node APIs.

export const REDACTED = '[redacted]';

export const DEFAULT_REDACTED_KEYS: readonly string[] = ['authorization', 'cookie', 'password', 'secret', 'token', 'api_key'];

interface ValueRule {
  /** Cheap pre-check: the rule can only match text containing one of these (lower-case). */
  hints: string[];
  re: RegExp;
  replace: string | ((...m: string[]) => string);
}

// `\x1b` is excluded from value characters so that masking a coloured line keeps its ANSI
// reset sequence (stdio.log keeps colours).
const VALUE_CHARS = `[^\\s,;&"'}\\]\\x1b]+`;

/** The built-in value rules, by name (settable in `redaction.rules`). */
export const VALUE_RULES = {
  'private-key': {
    hints: ['private key'],
    re: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    replace: `-----${REDACTED} PRIVATE KEY-----`,
  },
  bearer: {
    hints: ['bearer', 'basic'],
    re: /\b(Bearer|Basic)(\s+|%20)[A-Za-z0-9\-._~+/]+=*/gi,
    replace: (_m: string, scheme: string, sp: string) => `${scheme}${sp}${REDACTED}`,
  },
  'aws-access-key': {
    hints: ['akia', 'asia'],
    re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    replace: REDACTED,
  },
  'password-pair': {
    hints: ['pass', 'pwd', 'secret', 'token', 'key'],
    // key (optionally quoted, as in JSON) = or : value; the key must end the word so that
    // `tokens: 5` or `keyboard=` stay readable.
    re: new RegExp(
      `((?:passwd|password|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)(?![A-Za-z])["']?\\s*[=:]\\s*)("[^"]*"|'[^']*'|${VALUE_CHARS})`,
      'gi',
    ),
    replace: (_m: string, k: string, v: string) => `${k}${v.startsWith('"') ? `"${REDACTED}"` : v.startsWith("'") ? `'${REDACTED}'` : REDACTED}`,
  },
  'url-credentials': {
    hints: ['://'],
    re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]+@/gi,
    replace: (_m: string, pre: string) => `${pre}${REDACTED}@`,
  },
  'github-token': {
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-'],
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,})/g,
    replace: REDACTED,
  },
  'slack-token': {
    hints: ['xox'],
    re: /\bxox[abprse]-[A-Za-z0-9-]{10,}/g,
    replace: REDACTED,
  },
  jwt: {
    hints: ['eyj'],
    re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g,
    replace: REDACTED,
  },
} satisfies Record<string, ValueRule>;

export type ValueRuleName = keyof typeof VALUE_RULES;
export const VALUE_RULE_NAMES = Object.keys(VALUE_RULES) as ValueRuleName[];

export interface RedactionConfig {
  /** Off: nothing is redacted (not recommended; for a throw-away local debug session). */
  enabled: boolean;
  /** Attribute-key substrings, case-insensitive. */
  keys: string[];
  /** Built-in value rules that apply. */
  rules: ValueRuleName[];
  /** Extra JavaScript regular expressions; every match is replaced by `[redacted]`. */
  extraPatterns: string[];
}

export const DEFAULT_REDACTION: RedactionConfig = {
  enabled: true,
  keys: [...DEFAULT_REDACTED_KEYS],
  rules: [...VALUE_RULE_NAMES],
  extraPatterns: [],
};

export class RedactionConfigError extends Error {}

/** Counters of what was changed, for the run's warnings. */
export interface RedactionStats {
  redactedKeys: number;
  maskedValues: number;
}

const KEY_CACHE_MAX = 10_000;

/** Compiled rules. One per run; keeps a small cache of key decisions. */
export class Redactor {
  readonly stats: RedactionStats = { redactedKeys: 0, maskedValues: 0 };
  private readonly keys: string[];
  private readonly rules: ValueRule[];
  private readonly hints: string[];
  private readonly keyCache = new Map<string, boolean>();
  readonly enabled: boolean;

  constructor(cfg: Partial<RedactionConfig> = {}) {
    const c = { ...DEFAULT_REDACTION, ...cfg };
    this.enabled = c.enabled;
    this.keys = c.keys.map((k) => k.toLowerCase()).filter((k) => k !== '');
    this.rules = c.rules.map((n) => {
      const r = VALUE_RULES[n];
      if (!r) throw new RedactionConfigError(`unknown redaction rule '${n}' (known: ${VALUE_RULE_NAMES.join(', ')})`);
      return r as ValueRule;
    });
    for (const p of c.extraPatterns) {
      let re: RegExp;
      try {
        re = new RegExp(p, 'g');
      } catch (e) {
        throw new RedactionConfigError(`redaction pattern ${JSON.stringify(p)} is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
      }
      // An empty match would loop forever in replace() semantics we rely on; refuse it.
      if (re.test('')) throw new RedactionConfigError(`redaction pattern ${JSON.stringify(p)} matches the empty string`);
      this.rules.push({ hints: [], re, replace: REDACTED });
    }
    // A rule without hints (user pattern) must always run: an empty hint list disables the pre-check.
    this.hints = this.rules.some((r) => r.hints.length === 0) ? [] : this.rules.flatMap((r) => r.hints);
  }

  /** Does a value under this attribute key have to be replaced? */
  isSecretKey(key: string): boolean {
    if (!this.enabled || this.keys.length === 0) return false;
    let hit = this.keyCache.get(key);
    if (hit === undefined) {
      const k = key.toLowerCase();
      hit = this.keys.some((s) => k.includes(s));
      if (this.keyCache.size < KEY_CACHE_MAX) this.keyCache.set(key, hit);
    }
    return hit;
  }

  /** `s` with every secret-shaped part masked. Returns `s` itself when nothing matched. */
  maskText(s: string): string {
    if (!this.enabled || this.rules.length === 0 || s.length === 0) return s;
    if (this.hints.length > 0) {
      const lower = s.toLowerCase();
      if (!this.hints.some((h) => lower.includes(h))) return s;
    }
    let out = s;
    for (const r of this.rules) {
      r.re.lastIndex = 0;
      out = out.replace(r.re, r.replace as (substring: string, ...args: string[]) => string);
    }
    if (out !== s) this.stats.maskedValues++;
    return out;
  }
}

const BEGIN_KEY = /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----/;
const END_KEY = /-----END[A-Z0-9 ]*PRIVATE KEY-----/;
/** A key block longer than this many lines is not a key: stop masking (bounded damage). */
const MAX_KEY_LINES = 200;

/** Masks a stream of lines (stdout or stderr): like {@link Redactor.maskText} per line, plus
 * the lines *between* a private-key block's BEGIN and END lines, which no single-line rule
 * can recognise. One per stream. */
export class LineMasker {
  private inKey = 0;

  constructor(private readonly r: Redactor) {}

  mask(line: string): string {
    if (!this.r.enabled) return line;
    if (this.inKey > 0) {
      const end = END_KEY.exec(line);
      if (end) {
        this.inKey = 0;
        return REDACTED + this.r.maskText(line.slice(end.index));
      }
      this.inKey = this.inKey >= MAX_KEY_LINES ? 0 : this.inKey + 1;
      this.r.stats.maskedValues++;
      return REDACTED;
    }
    const begin = BEGIN_KEY.exec(line);
    if (begin && !END_KEY.test(line.slice(begin.index))) {
      this.inKey = 1;
      this.r.stats.maskedValues++;
      return this.r.maskText(line.slice(0, begin.index)) + `-----${REDACTED} PRIVATE KEY-----`;
    }
    return this.r.maskText(line);
  }
}
