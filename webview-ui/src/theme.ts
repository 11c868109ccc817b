// Canvas and chart colours come from the same VS Code theme variables as the DOM (the
// HTML report sets fallbacks for them in styles.css). Resolved once and again whenever the
// theme changes (VS Code swaps the body class and the inline variables).

export interface Palette {
  fg: string;
  muted: string;
  bg: string;
  headerBg: string;
  border: string;
  error: string;
  warning: string;
  focus: string;
  selection: string;
  series: string[];
  font: string;
  monoFont: string;
}

let cached: Palette | undefined;
const listeners = new Set<() => void>();

function v(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const x = style.getPropertyValue(name).trim();
  return x === '' ? fallback : x;
}

export function palette(): Palette {
  if (cached) return cached;
  const st = getComputedStyle(document.body);
  cached = {
    fg: v(st, '--bd-fg', '#cccccc'),
    muted: v(st, '--bd-muted', '#8b8b8b'),
    bg: v(st, '--bd-bg', '#1e1e1e'),
    headerBg: v(st, '--bd-header-bg', '#252526'),
    border: v(st, '--bd-border', '#3c3c3c'),
    error: v(st, '--bd-error', '#f14c4c'),
    warning: v(st, '--bd-warning', '#cca700'),
    focus: v(st, '--bd-focus', '#007fd4'),
    selection: v(st, '--bd-selection', '#264f78'),
    series: ['--bd-c1', '--bd-c2', '--bd-c3', '--bd-c4', '--bd-c5', '--bd-c6'].map((n, i) => v(st, n, ['#3794ff', '#89d185', '#b180d7', '#d18616', '#cca700', '#4ec9b0'][i]!)),
    font: v(st, '--bd-font', 'system-ui, sans-serif'),
    monoFont: v(st, '--bd-mono', 'ui-monospace, monospace'),
  };
  return cached;
}

export function onThemeChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function watchTheme(): void {
  const obs = new MutationObserver(() => {
    cached = undefined;
    for (const l of listeners) l();
  });
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
