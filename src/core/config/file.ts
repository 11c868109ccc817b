// Declarative configuration files (OTEL_CONFIG_FILE, OTEL_EXPERIMENTAL_CONFIG_FILE): the
// file is passed to the child as it is, but checked before launch so that a typo is a clear
// error now rather than a build that silently sends nothing. Parsing and schema validation
// are those of the OpenTelemetry JS SDK (`@opentelemetry/configuration`, same release as our
// other OTel packages); YAML syntax errors are reported first, with their line, since that
// package turns them into a confusing "Unsupported file_format".
// Spec: https://opentelemetry.io/docs/specs/otel/configuration/data-model/
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigurationModel } from '@opentelemetry/configuration';
import { lazy } from '../lazy.js';

// Half a megabyte of parsers that only a run with a configuration file needs.
const parsers = lazy(() => require('./fileParsers.js') as typeof import('./fileParsers.js'));

export class ConfigFileError extends Error {}

export interface CheckedConfigFile {
  path: string;
  model: ConfigurationModel;
  /** `resource.attributes` of the file, for the launcher's own telemetry. */
  resourceAttributes: Record<string, string | number | boolean>;
  /** Value-free notes (e.g. the file does not export to the run's receiver). */
  warnings: string[];
}

const MAX_FILE_BYTES = 1024 * 1024;

/** Reads and validates a declarative configuration file; throws ConfigFileError with a
 * message naming the variable, the file and the problem. `cwd` resolves relative paths (the
 * child's working directory, where the child will resolve it too). */
export function checkConfigFile(variable: string, path: string, cwd: string): CheckedConfigFile {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  const where = `${variable} (${abs})`;
  let text: string;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new ConfigFileError(`${where} is not a file`);
    if (st.size > MAX_FILE_BYTES) throw new ConfigFileError(`${where} is larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    if (e instanceof ConfigFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigFileError(`${where} cannot be read${code ? ` (${code})` : ''}`);
  }
  const doc = parsers().parseDocument(text, { version: '1.2' });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new ConfigFileError(`${where} is not valid YAML${line ? ` (line ${line})` : ''}: ${first.message.split('\n')[0]}`);
  }
  const model = validateWithSdk(abs, where);
  const resourceAttributes: Record<string, string | number | boolean> = {};
  for (const a of (model.resource?.attributes ?? []) as { name?: unknown; value?: unknown }[]) {
    if (typeof a.name === 'string' && (typeof a.value === 'string' || typeof a.value === 'number' || typeof a.value === 'boolean')) {
      resourceAttributes[a.name] = a.value;
    }
  }
  const warnings: string[] = [];
  // With a config file, the SDK ignores OTEL_EXPORTER_OTLP_* unless the file substitutes them.
  if (!text.includes('OTEL_EXPORTER_OTLP_ENDPOINT')) {
    warnings.push(
      `${variable}: the file does not use \${OTEL_EXPORTER_OTLP_ENDPOINT}; an SDK that reads it exports where the file says, not to Build Diagnostics`,
    );
  }
  return { path: abs, model, resourceAttributes, warnings };
}

/** The SDK package reads the path from process.env; set it for the duration of the
 * (synchronous) call only. */
function validateWithSdk(abs: string, where: string): ConfigurationModel {
  const saved = process.env.OTEL_CONFIG_FILE;
  process.env.OTEL_CONFIG_FILE = abs;
  try {
    return parsers().createConfigFactory().getConfigModel();
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(`Invalid OpenTelemetry config file: ${abs}: `, '').replace(`${abs}: `, '');
    throw new ConfigFileError(`${where} is not a valid OpenTelemetry configuration file: ${msg.trim()}`);
  } finally {
    if (saved === undefined) delete process.env.OTEL_CONFIG_FILE;
    else process.env.OTEL_CONFIG_FILE = saved;
  }
}
