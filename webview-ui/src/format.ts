// Display formatting shared by every section (and by the HTML report test, which checks the
// figures shown against report.json through these same functions). Locale-free on purpose:
// the same run must read the same everywhere.

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const neg = ms < 0;
  const a = Math.abs(ms);
  let s: string;
  if (a < 1000) s = `${Math.round(a)} ms`;
  else if (a < 60_000) s = `${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  else if (a < 3_600_000) s = `${Math.floor(a / 60_000)} m ${Math.round((a % 60_000) / 1000)} s`;
  else s = `${Math.floor(a / 3_600_000)} h ${Math.round((a % 3_600_000) / 60_000)} m`;
  return neg ? `-${s}` : s;
}

export function fmtSigned(ms: number | null): string {
  if (ms === null) return '—';
  return ms > 0 ? `+${fmtDuration(ms)}` : fmtDuration(ms);
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return String(Math.round(n));
}

/** HH:MM:SS.mmm in UTC — run bundles travel between time zones. */
export function fmtClock(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().slice(11, 23);
}

export function fmtIso(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().replace('T', ' ').slice(0, 19)} UTC` : iso;
}

export function isoMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

export function pct(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return `${ratio > 0 ? '+' : ''}${Math.round(ratio * 100)} %`;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}
