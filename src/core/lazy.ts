// A module loaded on first use. The loader is a `require()` of a relative path: esbuild.mjs
// turns each module listed in its LAZY table into a file of its own (dist/lazy/*.js) that
// this require() loads when first called, so the start path neither parses nor evaluates it
// (ARCHITECTURE.md, "Bundle layout"). Run from the TypeScript sources, it is a plain require.
export function lazy<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}
