// esbuild plugin: zod's translated error messages, minus all but English. `zod` re-exports
// every locale (`z.locales`, ~360 KB of the ~750 KB it adds to a bundle) although only
// English is configured (zod/v4/classic/schemas.js imports locales/en.js itself); nothing
// here sets another locale, so the bundles keep `locales.en` only: less to parse at start
// (docs/performance.md, "Extension").
import { dirname, join } from 'node:path';

export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (a) => {
      if (!/[\\/]zod[\\/]v4[\\/]/.test(a.importer)) return undefined;
      return { path: join(a.resolveDir, a.path), namespace: 'zod-locales' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (a) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(a.path),
      loader: 'js',
    }));
  },
};
