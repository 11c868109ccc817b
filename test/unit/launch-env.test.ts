import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildChildEnv, parseKeyValueList, type ChildEnvOptions } from '../../src/launch/env.js';

const TP = '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01';
const base: ChildEnvOptions = {
  endpoint: 'http://127.0.0.1:4555',
  token: 'tok123',
  traceparent: TP,
  runId: '0190a0b0-c0d0-7e00-8000-000000000001',
  userEnv: { PATH: '/usr/bin', HOME: '/home/u' },
};

function headerMap(list: string): Map<string, string> {
  return new Map(parseKeyValueList(list).map((e) => [e.key.toLowerCase(), decodeURIComponent(e.raw.slice(e.raw.indexOf('=') + 1))]));
}

describe('buildChildEnv defaults', () => {
  test('sets every routing and tuning variable and keeps the user environment', () => {
    const { env, origins, warnings } = buildChildEnv(base);
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.HOME, '/home/u');
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4555');
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(env.OTEL_EXPORTER_OTLP_HEADERS, 'authorization=Bearer%20tok123');
    assert.equal(env.TRACEPARENT, TP);
    assert.equal(env.OTEL_TRACES_SAMPLER, 'parentbased_always_on');
    assert.equal(env.OTEL_BSP_SCHEDULE_DELAY, '500');
    assert.equal(env.OTEL_BLRP_SCHEDULE_DELAY, '500');
    assert.equal(env.OTEL_METRIC_EXPORT_INTERVAL, '2000');
    assert.equal(env.OTEL_TRACES_EXPORTER, 'otlp');
    assert.equal(env.OTEL_METRICS_EXPORTER, 'otlp');
    assert.equal(env.OTEL_LOGS_EXPORTER, 'otlp');
    assert.equal(env.CODEANATOMY_DIAGNOSTICS_SINK, 'otel');
    assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, `build.run.id=${base.runId},cicd.pipeline.run.id=${base.runId}`);
    assert.equal(origins.OTEL_BSP_SCHEDULE_DELAY, 'default');
    assert.equal(origins.TRACEPARENT, 'default');
    assert.deepEqual(warnings, []);
  });

  test('protocol option is honoured', () => {
    assert.equal(buildChildEnv({ ...base, protocol: 'http/json' }).env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/json');
  });
});

describe('buildChildEnv precedence', () => {
  test('user tuning knobs win over our defaults, routing does not', () => {
    const { env, origins } = buildChildEnv({
      ...base,
      userEnv: {
        ...base.userEnv,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRIC_EXPORT_INTERVAL: '9000',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://vendor.example:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        TRACEPARENT: '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01',
      },
    });
    assert.equal(env.OTEL_BSP_SCHEDULE_DELAY, '100');
    assert.equal(origins.OTEL_BSP_SCHEDULE_DELAY, 'user');
    assert.equal(env.OTEL_METRIC_EXPORT_INTERVAL, '9000');
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4555');
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(env.TRACEPARENT, TP);
  });

  test('runEnv wins over user and defaults, including routing', () => {
    const { env, origins, warnings } = buildChildEnv({
      ...base,
      userEnv: { ...base.userEnv, OTEL_BSP_SCHEDULE_DELAY: '100' },
      runEnv: { OTEL_BSP_SCHEDULE_DELAY: '42', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:1' },
    });
    assert.equal(env.OTEL_BSP_SCHEDULE_DELAY, '42');
    assert.equal(origins.OTEL_BSP_SCHEDULE_DELAY, 'run');
    assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/json');
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://elsewhere:1');
    assert.ok(warnings.some((w) => w.includes('OTEL_EXPORTER_OTLP_ENDPOINT')));
  });

  test('per-signal endpoint/header/protocol overrides and stale trace context are removed from the user env', () => {
    const { env } = buildChildEnv({
      ...base,
      userEnv: {
        ...base.userEnv,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://vendor.example/v1/traces',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://vendor.example/v1/logs',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://vendor.example/v1/metrics',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=other',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
        traceparent: '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01',
        TRACESTATE: 'vendor=1',
      },
    });
    for (const k of [
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
      'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
      'traceparent',
      'TRACESTATE',
    ]) {
      assert.equal(env[k], undefined, k);
    }
  });

  test('a per-signal endpoint set in runEnv is kept', () => {
    const { env } = buildChildEnv({ ...base, runEnv: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x/v1/traces' } });
    assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, 'http://x/v1/traces');
  });
});

describe('buildChildEnv merged lists', () => {
  test('user headers are kept, their Authorization is replaced by ours', () => {
    const { env } = buildChildEnv({
      ...base,
      userEnv: { ...base.userEnv, OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a%20b, AUTHORIZATION=Basic%20xyz ,api-key=k' },
    });
    const h = headerMap(env.OTEL_EXPORTER_OTLP_HEADERS!);
    assert.equal(h.get('authorization'), 'Bearer tok123');
    assert.equal(h.get('x-tenant'), 'a b');
    assert.equal(h.get('api-key'), 'k');
    assert.equal(parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS).filter((e) => e.key.toLowerCase() === 'authorization').length, 1);
  });

  test('runEnv headers replace the user ones, but our Authorization still wins', () => {
    const { env } = buildChildEnv({
      ...base,
      userEnv: { ...base.userEnv, OTEL_EXPORTER_OTLP_HEADERS: 'from-user=1' },
      runEnv: { OTEL_EXPORTER_OTLP_HEADERS: 'from-run=2,Authorization=Bearer%20nope' },
    });
    const h = headerMap(env.OTEL_EXPORTER_OTLP_HEADERS!);
    assert.equal(h.get('from-user'), undefined);
    assert.equal(h.get('from-run'), '2');
    assert.equal(h.get('authorization'), 'Bearer tok123');
  });

  test('a token with reserved characters is percent-encoded', () => {
    const { env } = buildChildEnv({ ...base, token: 'a,b=c d' });
    assert.equal(headerMap(env.OTEL_EXPORTER_OTLP_HEADERS!).get('authorization'), 'Bearer a,b=c d');
    assert.equal(parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS).length, 1);
  });

  test('resource attributes are merged, run id keys are ours', () => {
    const { env } = buildChildEnv({
      ...base,
      userEnv: { ...base.userEnv, OTEL_RESOURCE_ATTRIBUTES: 'team=data,build.run.id=stale,service.namespace=x' },
    });
    const attrs = headerMap(env.OTEL_RESOURCE_ATTRIBUTES!);
    assert.equal(attrs.get('team'), 'data');
    assert.equal(attrs.get('service.namespace'), 'x');
    assert.equal(attrs.get('build.run.id'), base.runId);
    assert.equal(attrs.get('cicd.pipeline.run.id'), base.runId);
  });
});

describe('buildChildEnv warnings', () => {
  test('OTEL_SDK_DISABLED from the user env is kept and reported', () => {
    const { env, warnings } = buildChildEnv({ ...base, userEnv: { ...base.userEnv, OTEL_SDK_DISABLED: 'true' } });
    assert.equal(env.OTEL_SDK_DISABLED, 'true');
    assert.ok(warnings.some((w) => w.startsWith('OTEL_SDK_DISABLED=true')));
  });

  test('an exporter set to none and a ratio sampler are reported, without values leaking', () => {
    const { env, warnings } = buildChildEnv({
      ...base,
      userEnv: { ...base.userEnv, OTEL_LOGS_EXPORTER: 'none', OTEL_TRACES_SAMPLER: 'secret-sampler-value' },
    });
    assert.equal(env.OTEL_LOGS_EXPORTER, 'none');
    assert.ok(warnings.some((w) => w.includes('OTEL_LOGS_EXPORTER')));
    assert.ok(warnings.some((w) => w.includes('OTEL_TRACES_SAMPLER')));
    assert.ok(!warnings.join('\n').includes('secret-sampler-value'));
  });

  test('undefined user values are skipped', () => {
    const { env } = buildChildEnv({ ...base, userEnv: { ...base.userEnv, GONE: undefined } });
    assert.equal('GONE' in env, false);
  });
});
