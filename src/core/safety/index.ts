// The safety policy (docs/diagnostics-policy.md): redaction and capture limits. Pure.
export * from './redact.js';
export * from './limits.js';
export * from './sanitize.js';
