import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROFILES,
  SettingsError,
  effectiveConfig,
  maskValue,
  otelSettingsToEnv,
  parseDiagnosticsSettings,
  resolveOtelConfig,
  traceUrl,
  type OtelSettings,
} from '../../src/core/config/index.js';
import { resolveLaunchConfig } from '../../src/launch/otelConfig.js';
import { parseKeyValueList } from '../../src/launch/env.js';

const RUN = { endpoint: 'http://127.0.0.1:4555', token: 'tok-SECRET-123', traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01', runId: 'r1' };

function launch(o: { user?: Record<string, string>; build?: OtelSettings; buildEnv?: Record<string, string>; flags?: OtelSettings }) {
  const lc = resolveLaunchConfig({ cwd: process.cwd(), userEnv: { PATH: '/bin', ...(o.user ?? {}) }, otel: o.build, runEnv: o.buildEnv, otelFlags: o.flags });
  return { lc, ...lc.childEnv(RUN) };
}

describe('each knob reaches the child environment', () => {
  const settings: OtelSettings = {
    serviceName: 'svc',
    resourceAttributes: { team: 'data eng', 'a=b': 'x,y' },
    sampler: 'parentbased_traceidratio',
    samplerArg: 0.5,
    spanBatch: { scheduleDelayMs: 100, exportTimeoutMs: 200, maxQueueSize: 300, maxExportBatchSize: 40 },
    logBatch: { scheduleDelayMs: 101, exportTimeoutMs: 201, maxQueueSize: 301, maxExportBatchSize: 41 },
    metricExportIntervalMs: 1500,
    metricExportTimeoutMs: 900,
    attributeCountLimit: 64,
    attributeValueLengthLimit: 4096,
    env: { OTEL_PROPAGATORS: 'tracecontext,baggage' },
  };
  const expected: Record<string, string> = {
    OTEL_SERVICE_NAME: 'svc',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.5',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BSP_EXPORT_TIMEOUT: '200',
    OTEL_BSP_MAX_QUEUE_SIZE: '300',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '40',
    OTEL_BLRP_SCHEDULE_DELAY: '101',
    OTEL_BLRP_EXPORT_TIMEOUT: '201',
    OTEL_BLRP_MAX_QUEUE_SIZE: '301',
    OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '41',
    OTEL_METRIC_EXPORT_INTERVAL: '1500',
    OTEL_METRIC_EXPORT_TIMEOUT: '900',
    OTEL_ATTRIBUTE_COUNT_LIMIT: '64',
    OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4096',
    OTEL_PROPAGATORS: 'tracecontext,baggage',
  };
  for (const [k, v] of Object.entries(expected)) {
    test(`${k} from the build configuration`, () => {
      const { env, origins } = launch({ build: settings });
      assert.equal(env[k], v);
      assert.equal(origins[k], 'run');
    });
  }
  test('resource attributes are percent-encoded and merged with the run id keys', () => {
    const { env } = launch({ build: settings });
    const m = new Map(parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES).map((e) => [decodeURIComponent(e.key), decodeURIComponent(e.raw.slice(e.raw.indexOf('=') + 1))]));
    assert.equal(m.get('team'), 'data eng');
    assert.equal(m.get('a=b'), 'x,y');
    assert.equal(m.get('build.run.id'), 'r1');
  });
  test('a config file setting sets both variables', () => {
    const env = otelSettingsToEnv({ configFile: 'otel.yaml' });
    assert.equal(env.OTEL_CONFIG_FILE, 'otel.yaml');
    assert.equal(env.OTEL_EXPERIMENTAL_CONFIG_FILE, 'otel.yaml');
  });
});

describe('precedence: profile < user environment < build configuration < flags', () => {
  test('each layer wins over the one below', () => {
    const k = 'OTEL_BSP_SCHEDULE_DELAY';
    assert.deepEqual(pick(launch({}), k), ['500', 'default']);
    assert.deepEqual(pick(launch({ user: { [k]: '1' } }), k), ['1', 'user']);
    assert.deepEqual(pick(launch({ user: { [k]: '1' }, build: { spanBatch: { scheduleDelayMs: 2 } } }), k), ['2', 'run']);
    assert.deepEqual(pick(launch({ user: { [k]: '1' }, build: { spanBatch: { scheduleDelayMs: 2 } }, flags: { env: { [k]: '3' } } }), k), ['3', 'flag']);
  });
  test('structured build settings win over the build env; flags profile over build profile', () => {
    const r = launch({ buildEnv: { OTEL_SERVICE_NAME: 'from-env' }, build: { serviceName: 'from-settings', profile: 'generic' }, flags: { profile: 'codeanatomy' } });
    assert.equal(r.env.OTEL_SERVICE_NAME, 'from-settings');
    assert.equal(r.lc.resolved.profile.name, 'codeanatomy');
  });
  test('routing stays ours whatever the layers say; our Authorization wins over flags', () => {
    const r = launch({ user: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, flags: { env: { OTEL_EXPORTER_OTLP_HEADERS: 'x=1,authorization=nope' } } });
    assert.equal(r.env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    const h = new Map(parseKeyValueList(r.env.OTEL_EXPORTER_OTLP_HEADERS).map((e) => [e.key.toLowerCase(), e.raw]));
    assert.equal(h.get('x'), 'x=1');
    assert.equal(h.get('authorization'), 'authorization=Bearer%20tok-SECRET-123');
  });
});

function pick(r: { env: Record<string, string>; origins: Record<string, string> }, k: string): [string | undefined, string | undefined] {
  return [r.env[k], r.origins[k]];
}

describe('profiles', () => {
  test('generic: always-on sampling, short delays, OTLP exporters, no pipeline variables', () => {
    const { env } = launch({});
    assert.equal(env.OTEL_TRACES_SAMPLER, 'parentbased_always_on');
    assert.equal(env.OTEL_METRIC_EXPORT_INTERVAL, '2000');
    assert.equal(env.CODEANATOMY_DIAGNOSTICS_SINK, undefined);
  });
  test('codeanatomy: adds the diagnostics sink and requires http/protobuf', () => {
    const { env } = launch({ flags: { profile: 'codeanatomy' } });
    assert.equal(env.CODEANATOMY_DIAGNOSTICS_SINK, 'otel');
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(PROFILES.codeanatomy.requiredProtocol, 'http/protobuf');
    const lc = resolveLaunchConfig({ cwd: '.', userEnv: {}, otelFlags: { profile: 'codeanatomy' }, protocol: 'http/json' });
    assert.ok(lc.warnings.some((w) => w.includes('http/protobuf')));
  });
});

describe('validation', () => {
  test('bad values are errors that name the variable, never the value', () => {
    const r = resolveOtelConfig({ flags: { env: { OTEL_BSP_MAX_QUEUE_SIZE: 'lots-SECRET', OTEL_TRACES_SAMPLER: 'sometimes' } } });
    assert.equal(r.errors.length, 2);
    assert.ok(r.errors.join().includes('OTEL_BSP_MAX_QUEUE_SIZE'));
    assert.ok(!r.errors.join().includes('lots-SECRET'));
    assert.throws(() => resolveLaunchConfig({ cwd: '.', userEnv: {}, otelFlags: { env: { OTEL_SDK_DISABLED: 'maybe' } } }), SettingsError);
  });
  test('a ratio sampler argument must be between 0 and 1', () => {
    assert.equal(resolveOtelConfig({ build: { sampler: 'traceidratio', samplerArg: 2 } }).errors.length, 1);
    assert.equal(resolveOtelConfig({ build: { sampler: 'traceidratio', samplerArg: 0.25 } }).errors.length, 0);
  });
  test('settings files are parsed and unknown keys are reported by path', () => {
    assert.equal(parseDiagnosticsSettings({ otel: { sampler: 'always_on' } }).otel?.sampler, 'always_on');
    assert.throws(() => parseDiagnosticsSettings({ otel: { samplr: 'x' } }, 'f.json'), /f\.json\.otel/);
    assert.throws(() => parseDiagnosticsSettings({ forward: { endpoint: 'not a url' } }), SettingsError);
    assert.throws(() => parseDiagnosticsSettings({ traceUrlTemplate: 'https://x/trace' }), /traceId/);
    const f = parseDiagnosticsSettings({ forward: { endpoint: 'http://c:4318' } }).forward!;
    assert.equal(f.protocol, 'http/protobuf');
    assert.equal(f.maxQueueItems, 50_000);
  });
});

describe('effective configuration table', () => {
  test('lists every telemetry variable with its origin, secrets masked', () => {
    const r = launch({ user: { OTEL_SERVICE_NAME: 'u', MY_API_TOKEN: 'x', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=USER-SECRET' }, flags: { env: { OTEL_LOG_LEVEL: 'debug' } } });
    const rows = effectiveConfig(r.env, r.origins, 'generic');
    const by = new Map(rows.map((x) => [x.name, x]));
    assert.equal(by.get('OTEL_SERVICE_NAME')!.source, 'your environment');
    assert.equal(by.get('OTEL_LOG_LEVEL')!.source, 'flag');
    assert.equal(by.get('OTEL_TRACES_SAMPLER')!.source, 'profile generic');
    assert.equal(by.get('OTEL_EXPORTER_OTLP_ENDPOINT')!.origin, 'managed');
    assert.equal(by.has('PATH'), false);
    assert.equal(by.has('MY_API_TOKEN'), false);
    const text = JSON.stringify(rows);
    assert.ok(!text.includes('tok-SECRET-123') && !text.includes('USER-SECRET'), text);
    assert.equal(by.get('OTEL_EXPORTER_OTLP_HEADERS')!.value, 'api-key=[redacted],authorization=[redacted]');
  });
  test('credential-like variable names are masked', () => {
    assert.equal(maskValue('HAMILTON_API_KEY', 'k'), '[redacted]');
    assert.equal(maskValue('OTEL_SERVICE_NAME', 's'), 's');
  });
  test('the table of a preview has placeholders for per-run values', () => {
    const rows = resolveLaunchConfig({ cwd: '.', userEnv: {} }).table();
    assert.equal(rows.find((x) => x.name === 'OTEL_EXPORTER_OTLP_ENDPOINT')!.value, 'http://127.0.0.1:<port>');
  });
});

describe('trace URL template', () => {
  test('{traceId} and {runId} are substituted; non-trace ids give no link', () => {
    assert.equal(traceUrl('https://j/trace/{traceId}?r={runId}', '0123456789abcdef0123456789abcdef', 'a b'), 'https://j/trace/0123456789abcdef0123456789abcdef?r=a%20b');
    assert.equal(traceUrl('https://j/{traceId}', 'not-a-trace'), undefined);
    assert.equal(traceUrl(undefined, '0123456789abcdef0123456789abcdef'), undefined);
  });
});

describe('redaction settings', () => {
  test('keys replace the defaults, extraKeys add, rules and patterns pass through', async () => {
    const { redactionConfig } = await import('../../src/core/config/index.js');
    assert.equal(redactionConfig(undefined), undefined);
    const c = redactionConfig({ keys: ['a'], extraKeys: ['b'], rules: ['jwt'], extraPatterns: ['X\\d'] })!;
    assert.deepEqual(c.keys, ['a', 'b']);
    assert.deepEqual(c.rules, ['jwt']);
    assert.deepEqual(c.extraPatterns, ['X\\d']);
    assert.ok(redactionConfig({ extraKeys: ['tenant'] })!.keys!.includes('password'));
  });
});
