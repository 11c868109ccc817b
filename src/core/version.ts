// The tool's version, injected by esbuild.mjs (`define`) and read from package.json under tsx.
declare const __BUILD_DIAG_VERSION__: string | undefined;

export const TOOL_VERSION: string =
  typeof __BUILD_DIAG_VERSION__ === 'string' ? __BUILD_DIAG_VERSION__ : '0.0.0-dev';
