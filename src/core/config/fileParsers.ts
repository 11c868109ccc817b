// The YAML parser and the OTel SDK's configuration factory: loaded only when a run has a
// declarative configuration file (file.ts; a lazy bundle of its own, esbuild.mjs).
export { parseDocument } from 'yaml';
export { createConfigFactory } from '@opentelemetry/configuration';
