// The OpenTelemetry configuration surface (docs/otel-configuration.md): variables, profiles,
// settings schemas, layered resolution, the effective-configuration table, config files.
export * from './knobs.js';
export * from './profiles.js';
export * from './settings.js';
export * from './resolve.js';
export * from './table.js';
export { ConfigFileError, checkConfigFile, type CheckedConfigFile } from './file.js';
