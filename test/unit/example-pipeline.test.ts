// Pure checks of the example build's building blocks (examples/semantic-pipeline/lib):
// the config and the .py files agree, tracebacks point at real lines, readiness
// statuses follow codeanatomy-telemetry.md §3, payloads are flattened and redacted.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const EXAMPLE = path.resolve(__dirname, '../../examples/semantic-pipeline');

// The example is plain .mjs without type declarations: import through a variable path.
async function lib<T>(name: string): Promise<T> {
  const url = pathToFileURL(path.join(EXAMPLE, 'lib', name)).href;
  return (await import(url)) as T;
}

interface Readiness { dataset: string; status: string; reason: string; path_exists: boolean;
  delta_log_present: boolean; delta_log_file_count: number; file_count: number }
interface DatasetsLib {
  loadConfig(dir: string): {
    datasets: Map<string, { name: string; path?: string; format: string }>;
    views: Map<string, { name: string; referenced_tables: string[]; source: { file: string; function: string; line: number } }>;
    scenarios: Record<string, { views: string[]; fail_view?: string }>;
  };
  checkReadiness(dir: string, ds: { name: string; path?: string; format: string }): Readiness;
  blocks(r: Readiness): boolean;
  deltaLogHealth(dir: string, ds: object, r: Readiness): Record<string, unknown>;
}
interface PyErr { traceback: string; innermost: { file: string; line: number } }
interface TracebackLib { joinError(dir: string): PyErr; notReadyError(dir: string, view: object, ds: string, s: number, reason: string): PyErr }

const lineOf = (file: string, n: number) => fs.readFileSync(file, 'utf8').split('\n')[n - 1] ?? '';

describe('example semantic-pipeline', { timeout: 30000 }, () => {
  test('every view points at the def line of its builder, and plans only name known views', async () => {
    const { loadConfig } = await lib<DatasetsLib>('datasets.mjs');
    const cfg = loadConfig(EXAMPLE);
    assert.ok(cfg.views.size >= 5);
    for (const v of cfg.views.values()) {
      const file = path.join(EXAMPLE, v.source.file);
      assert.match(lineOf(file, v.source.line), new RegExp(`^def ${v.source.function}\\(`), v.name);
      for (const t of v.referenced_tables) assert.ok(cfg.datasets.has(t), `${v.name} reads unknown ${t}`);
    }
    for (const [name, s] of Object.entries(cfg.scenarios)) {
      for (const v of s.views) assert.ok(cfg.views.has(v), `${name}: ${v}`);
    }
    assert.ok(cfg.scenarios.stall?.views.some((v) => cfg.views.get(v)?.referenced_tables.includes('raw_symbols')));
    assert.ok(!cfg.scenarios.ok?.views.some((v) => cfg.views.get(v)?.referenced_tables.includes('raw_symbols')));
  });

  test('tracebacks name real files and the lines that really raise', async () => {
    const { joinError, notReadyError } = await lib<TracebackLib>('traceback.mjs');
    const { loadConfig } = await lib<DatasetsLib>('datasets.mjs');
    const view = loadConfig(EXAMPLE).views.get('cpg_symbol_edges');
    for (const err of [joinError(EXAMPLE), notReadyError(EXAMPLE, view!, 'raw_symbols', 12, 'delta_log_missing')]) {
      const lines = err.traceback.split('\n');
      assert.equal(lines[0], 'Traceback (most recent call last):');
      assert.match(lines.at(-1) ?? '', /^semantic_ir\.errors\.\w+Error: /);
      assert.ok(err.innermost.file.startsWith(path.join(EXAMPLE, 'src', 'semantic_ir')));
      assert.match(lineOf(err.innermost.file, err.innermost.line), /raise \w+Error\(/);
      // Each frame's code line is the file's text at that line number.
      for (let i = 1; i + 1 < lines.length - 1; i += 2) {
        const m = /^ {2}File "(.+)", line (\d+), in (\w+)$/.exec(lines[i] ?? '');
        assert.ok(m, lines[i]);
        assert.equal(lineOf(m[1]!, Number(m[2])).trim(), lines[i + 1]?.trim());
      }
    }
  });

  test('readiness of the shipped datasets: raw_symbols blocks, the others are ok', async () => {
    const { loadConfig, checkReadiness, blocks, deltaLogHealth } = await lib<DatasetsLib>('datasets.mjs');
    const cfg = loadConfig(EXAMPLE);
    for (const ds of cfg.datasets.values()) {
      const r = checkReadiness(EXAMPLE, ds);
      if (ds.name === 'raw_symbols') {
        assert.deepEqual([r.status, r.reason, r.path_exists, r.delta_log_present], ['missing_delta_log', 'delta_log_missing', true, false]);
        assert.equal(blocks(r), true);
        assert.equal(deltaLogHealth(EXAMPLE, ds, r)['diagnostic.severity'], 'error');
      } else {
        assert.equal(r.status, 'ok', ds.name);
        assert.ok(r.file_count > 0);
        if (ds.format === 'delta') {
          assert.equal(r.delta_log_file_count, 1);
          assert.equal(deltaLogHealth(EXAMPLE, ds, r).protocol_compatible, true);
        }
      }
    }
  });

  test('readiness statuses for missing, empty and remote locations', async () => {
    const { checkReadiness, blocks } = await lib<DatasetsLib>('datasets.mjs');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-ready-'));
    try {
      fs.mkdirSync(path.join(dir, 'empty_log', '_delta_log'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'empty_log', 'part-0.parquet'), 'x');
      fs.mkdirSync(path.join(dir, 'empty_dir'));
      const st = (p: string | undefined, format = 'delta') => checkReadiness(dir, { name: 'd', format, ...(p ? { path: p } : {}) });
      assert.deepEqual([st(undefined).status, st(undefined).reason], ['missing_location', 'no_dataset_location_configured']);
      assert.deepEqual([st('nope').status, st('nope').reason], ['missing_path', 'path_not_found']);
      assert.deepEqual([st('empty_log').status, st('empty_log').reason], ['empty_delta_log', 'delta_log_empty']);
      assert.deepEqual([st('empty_dir', 'parquet').status, st('empty_dir', 'parquet').reason], ['empty_path', 'no_files_found']);
      const remote = st('s3://bucket/table');
      assert.deepEqual([remote.status, remote.reason, blocks(remote)], ['remote_path', 'remote_scheme', false]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('payloads: nested values as JSON strings (50 items max), secrets redacted, bytes hex', async () => {
    const { toAttributes } = await lib<{ toAttributes(p: object): Record<string, unknown> }>('payload.mjs');
    const attrs = toAttributes({
      view_names: ['a', 'b'], many: Array.from({ length: 80 }, (_, i) => i), map: { x: 1, api_token: 'v' },
      auth_token: 's3cr3t', Authorization: 'Bearer x', blob: new Uint8Array([1, 255]), none: null, n: 3, ok: true,
    });
    assert.equal(attrs.view_names, '["a","b"]');
    assert.equal((JSON.parse(attrs.many as string) as unknown[]).length, 50);
    assert.equal(attrs.map, '{"x":1,"api_token":"[redacted]"}');
    assert.equal(attrs.auth_token, '[redacted]');
    assert.equal(attrs.Authorization, '[redacted]');
    assert.equal(attrs.blob, '01ff');
    assert.equal('none' in attrs, false);
    assert.deepEqual([attrs.n, attrs.ok], [3, true]);
  });

  test('options, heartbeat payload and signal gating', async () => {
    const { parseOptions } = await lib<{ parseOptions(a: string[]): Record<string, unknown> }>('options.mjs');
    assert.deepEqual(
      [parseOptions([]).scenario, parseOptions(['build', '--scenario=stall', '--stall-seconds', '2']).stallSeconds],
      ['ok', 2],
    );
    assert.equal(parseOptions(['--quirks']).readinessEvents, false);
    assert.throws(() => parseOptions(['--scenario', 'nope']));
    assert.throws(() => parseOptions(['--speed']));
    assert.throws(() => parseOptions(['--secret-value']), (e: Error) => !e.message.includes('secret-value'));

    const { heartbeatPayload, newProgressState } = await lib<{
      heartbeatPayload(s: object, id: string, q: boolean): Record<string, unknown>; newProgressState(): object }>('heartbeat.mjs');
    const full = heartbeatPayload(newProgressState(), 'r', false);
    const quirky = heartbeatPayload(newProgressState(), 'r', true);
    assert.equal(full.total_task_count, 0);
    assert.ok(!('total_task_count' in quirky) && !('top_blockers' in quirky));

    const { enabledSignals } = await lib<{ enabledSignals(e: Record<string, string>): Record<string, boolean> }>('telemetry.mjs');
    assert.deepEqual(enabledSignals({}), { traces: false, logs: false, metrics: false });
    assert.deepEqual(enabledSignals({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_METRICS_EXPORTER: 'none' }),
      { traces: true, logs: true, metrics: false });
    assert.deepEqual(enabledSignals({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://h/v1/logs' }), { traces: false, logs: true, metrics: false });
    assert.deepEqual(enabledSignals({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://h', OTEL_SDK_DISABLED: 'true' }),
      { traces: false, logs: false, metrics: false });
  });
});
