// The configuration-surface settings of the extension (docs/otel-configuration.md): each
// parses with the core zod schemas, an invalid one is named, they reach the BuildSession's
// options, and the effective-configuration document shows (masked) what would be launched.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSettings, SETTING_DEFAULTS } from '../../src/extension/settings.js';
import { resolveBuild, retentionPolicy } from '../../src/extension/buildSpec.js';
import { sessionOptions } from '../../src/extension/runController.js';
import { effectiveConfigMarkdown } from '../../src/extension/effectiveConfig.js';
import type { SettingKey } from '../../src/extension/registry.js';

const parse = (raw: Partial<Record<SettingKey, unknown>>) => parseSettings((k) => raw[k]);
const root = resolve('/tmp/ws-config-surface');

const VALID: Partial<Record<SettingKey, unknown>> = {
  builds: [
    {
      name: 'b',
      command: ['python', '-m', 'x'],
      otel: { profile: 'codeanatomy', sampler: 'traceidratio', samplerArg: 0.5, spanBatch: { scheduleDelayMs: 100 }, configFile: '${workspaceFolder}/otel.yaml', env: { OTEL_LOG_LEVEL: 'debug' } },
    },
  ],
  forward: { endpoint: 'http://collector:4318', headers: { 'x-api-key': 'k' } },
  traceUrlTemplate: 'https://jaeger.example/trace/{traceId}',
  hamilton: { projectId: 7, uiUrl: 'https://hamilton.example' },
  redaction: { extraKeys: ['ssn'], rules: ['bearer'] },
  limits: { maxSpans: 10, maxListLength: 5 },
  retention: { maxRuns: 3, maxBytes: 1000 },
  debug: true,
};

describe('extension configuration-surface settings', () => {
  test('defaults: nothing forwarded, no links, no Hamilton, default policy', () => {
    const p = parse({});
    assert.deepEqual(p.errors, []);
    assert.equal(p.settings.forward, null);
    assert.equal(p.settings.traceUrlTemplate, null);
    assert.equal(p.settings.hamilton, null);
    assert.deepEqual(p.settings.redaction, {});
    assert.equal(p.settings.debug, false);
    assert.equal(SETTING_DEFAULTS.debug, false);
  });

  test('each new setting parses, with the core schemas\' defaults applied', () => {
    const p = parse(VALID);
    assert.deepEqual(p.errors, []);
    assert.equal(p.settings.forward?.protocol, 'http/protobuf');
    assert.equal(p.settings.forward?.maxQueueItems, 50_000);
    assert.equal(p.settings.builds[0]!.otel?.sampler, 'traceidratio');
    assert.equal(p.settings.hamilton?.projectId, 7);
    assert.equal(p.settings.limits.maxSpans, 10);
    assert.equal(p.settings.retention.maxBytes, 1000);
    assert.equal(p.settings.debug, true);
    assert.ok(Object.isFrozen(p.settings.forward?.headers));
  });

  test('each invalid one is reported by its full setting name', () => {
    const p = parse({
      builds: [{ name: 'b', command: 'x', otel: { sampler: 'sometimes' } }],
      forward: { endpoint: 'not a url' },
      traceUrlTemplate: 'https://jaeger.example/trace/',
      hamilton: { project_id: 1 },
      redaction: { rules: ['no-such-rule'] },
      limits: { maxSpans: -1 },
      retention: { maxRuns: 0 },
      debug: 'yes',
    });
    assert.deepEqual(p.errors.map((e) => e.setting).sort(), [
      'buildDiagnostics.builds',
      'buildDiagnostics.debug',
      'buildDiagnostics.forward',
      'buildDiagnostics.hamilton',
      'buildDiagnostics.limits',
      'buildDiagnostics.redaction',
      'buildDiagnostics.retention',
      'buildDiagnostics.traceUrlTemplate',
    ]);
    assert.match(p.errors.find((e) => e.setting.endsWith('.builds'))!.message, /\[0\]\.otel\.sampler/);
    assert.match(p.errors.find((e) => e.setting.endsWith('.traceUrlTemplate'))!.message, /\{traceId\}/);
    assert.match(p.errors.find((e) => e.setting.endsWith('.forward'))!.message, /endpoint/);
  });

  test('the settings reach the BuildSession options', () => {
    const s = parse(VALID).settings;
    const o = sessionOptions(resolveBuild(s.builds[0]!, s, root), {}, 2);
    assert.deepEqual(o.argv, ['python', '-m', 'x']);
    assert.equal(o.graceS, 2);
    assert.equal(o.workspaceRoot, root);
    assert.equal(o.otel?.sampler, 'traceidratio');
    assert.equal(o.otel?.configFile, `${root}/otel.yaml`, '${workspaceFolder} substituted');
    assert.deepEqual(o.forward?.headers, { 'x-api-key': 'k' });
    assert.equal(o.forward?.endpoint, 'http://collector:4318');
    assert.equal(o.traceUrlTemplate, 'https://jaeger.example/trace/{traceId}');
    assert.equal(o.hamilton?.uiUrl, 'https://hamilton.example');
    assert.deepEqual(o.limits, { maxSpans: 10, maxListLength: 5 });
    assert.equal(o.debug, true);
    assert.ok(o.redaction?.keys?.includes('ssn') && o.redaction.keys.includes('password'), 'extraKeys add to the defaults');
    assert.deepEqual(o.redaction?.rules, ['bearer']);
    assert.equal(o.retention, undefined, 'retention is applied by the launcher to the whole history');
    assert.ok(!Object.isFrozen(o.otel) && !Object.isFrozen(o.forward), 'the session gets copies, not the frozen settings');
  });

  test('unset settings leave the session its own defaults', () => {
    const s = parse({ builds: [{ name: 'b', command: 'x' }] }).settings;
    const o = sessionOptions(resolveBuild(s.builds[0]!, s, root));
    for (const k of ['otel', 'forward', 'traceUrlTemplate', 'hamilton', 'redaction', 'limits', 'debug', 'retention'] as const) {
      assert.equal(o[k], undefined, k);
    }
  });

  test('retention: the smaller run count of historySize and retention.maxRuns, plus maxBytes', () => {
    assert.deepEqual(retentionPolicy(parse({ historySize: 20, retention: { maxRuns: 3, maxBytes: 1000 } }).settings), { maxRuns: 3, maxBytes: 1000 });
    assert.deepEqual(retentionPolicy(parse({ historySize: 2, retention: { maxRuns: 5 } }).settings), { maxRuns: 2 });
    assert.deepEqual(retentionPolicy(parse({}).settings), { maxRuns: 20 });
  });
});

describe('effective configuration document', () => {
  test('every variable with its origin; secrets masked', () => {
    const s = parse({ builds: [{ name: 'b', command: 'x', otel: { sampler: 'always_on', env: { OTEL_LOG_LEVEL: 'debug' } } }] }).settings;
    const md = effectiveConfigMarkdown(resolveBuild(s.builds[0]!, s, root), [], {
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=S3CRETVALUE',
      OTEL_METRIC_EXPORT_INTERVAL: '777',
    });
    assert.match(md, /^# Effective configuration: b/);
    assert.match(md, /\| `OTEL_TRACES_SAMPLER` \| `always_on` \| build configuration \|/);
    assert.match(md, /\| `OTEL_METRIC_EXPORT_INTERVAL` \| `777` \| your environment \|/);
    assert.match(md, /\| `OTEL_BSP_SCHEDULE_DELAY` \| `500` \| profile generic \|/);
    assert.match(md, /OTEL_EXPORTER_OTLP_ENDPOINT/);
    assert.match(md, /x-api-key=\[redacted\]/);
    assert.ok(!md.includes('S3CRETVALUE'), 'a header value leaked');
  });

  test('settings errors and an invalid configuration file are shown clearly', () => {
    const ws = mkdtempSync(join(tmpdir(), 'bd-eff-'));
    try {
      writeFileSync(join(ws, 'bad.yaml'), 'file_format: [unclosed\n');
      const s = parse({ builds: [{ name: 'b', command: 'x', otel: { configFile: 'bad.yaml' } }] }).settings;
      const md = effectiveConfigMarkdown(resolveBuild(s.builds[0]!, s, ws), [{ setting: 'buildDiagnostics.limits', message: 'maxSpans: Too small' }], {});
      assert.match(md, /## Settings errors[\s\S]*invalid setting buildDiagnostics\.limits: maxSpans: Too small/);
      assert.match(md, /## Configuration error[\s\S]*bad\.yaml/);
      const missing = parse({ builds: [{ name: 'b', command: 'x', otel: { configFile: 'missing.yaml' } }] }).settings;
      assert.match(effectiveConfigMarkdown(resolveBuild(missing.builds[0]!, missing, ws), [], {}), /## Configuration error/);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  test('forwarding is shown without header values or URL credentials', () => {
    const s = parse({ builds: [{ name: 'b', command: 'x' }], forward: { endpoint: 'https://u:pw123@collector.example:4318', headers: { authorization: 'Bearer zzz' } } }).settings;
    const md = effectiveConfigMarkdown(resolveBuild(s.builds[0]!, s, root), [], {});
    assert.match(md, /forwarding: https:\/\/\[redacted\]@collector\.example:4318 \(http\/protobuf\), headers authorization \(values hidden\)/);
    assert.ok(!md.includes('pw123') && !md.includes('zzz'));
  });
});
