// The build's own files on a real file system: found by the codeanatomy globs (only those
// written during the run; pruned folders and symlinks skipped), copied into the bundle with
// size and sha256 under caps, collected while the run goes on, and imported — a run whose
// build sent no OTLP at all still gets spans, logs, metrics, problems and a full report.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ArtifactCollector, copyArtifacts, findArtifacts, importArtifactFiles, artifactPathFor } from '../../src/bundle/artifacts.js';
import { ingestJsonLines } from '../../src/bundle/reader.js';
import { CODEANATOMY_ARTIFACT_GLOBS, RECEIVED_VIA_KEY, compareBuildSays } from '../../src/core/artifacts/index.js';
import { buildReport } from '../../src/core/report/build.js';
import { RUN_SCHEMA, type RunInfo } from '../../src/core/run.js';
import { ArtifactEntrySchema } from '../../src/core/runSchema.js';
import { RunStore } from '../../src/core/store.js';

const FIXTURE = resolve('test/fixtures/artifacts/codeanatomy');
const RUN_DIR = 'run_bundle/0195f3a2-7c1e-7d2a-9b1f-3c4d5e6f7a8b';
const EXPECTED = [
  'build/diagnostics_report.json',
  `${RUN_DIR}/otel_logs.json`,
  `${RUN_DIR}/otel_metrics.json`,
  `${RUN_DIR}/otel_traces.json`,
  `${RUN_DIR}/run_diagnostics_report.json`,
  `${RUN_DIR}/run_diagnostics_report.md`,
];
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A build folder: stale files from an earlier run, then this run's files. */
function scratch(): { root: string; repo: string; bundle: string; startMs: number } {
  const root = mkdtempSync(join(tmpdir(), 'bd-artifacts-'));
  const repo = join(root, 'repo');
  const bundle = join(root, 'bundle');
  mkdirSync(join(repo, 'old/run_bundle/r0'), { recursive: true });
  const stale = join(repo, 'old/run_bundle/r0/otel_traces.json');
  writeFileSync(stale, '{"spans":[]}');
  const startMs = Date.now();
  utimesSync(stale, new Date(startMs - 60_000), new Date(startMs - 60_000));
  cpSync(FIXTURE, repo, { recursive: true });
  // Never looked at: a dependency's folder, our own bundles, a symlink.
  for (const d of ['node_modules/pkg/run_bundle/x', '.build-diagnostics/runs/r/run_bundle/x']) {
    mkdirSync(join(repo, d), { recursive: true });
    writeFileSync(join(repo, d, 'otel_traces.json'), '{}');
  }
  mkdirSync(join(repo, 'linked/run_bundle/y'), { recursive: true });
  symlinkSync(join(repo, RUN_DIR, 'otel_logs.json'), join(repo, 'linked/run_bundle/y/otel_logs.json'));
  return { root, repo, bundle, startMs };
}

describe('build artifacts', () => {
  test('found by glob, only files written during the run; copied with size and sha256', { timeout: 20000 }, () => {
    const s = scratch();
    try {
      const files = findArtifacts(s.repo, CODEANATOMY_ARTIFACT_GLOBS, s.startMs);
      assert.deepStrictEqual(files.map((f) => f.slice(s.repo.length + 1)), EXPECTED);
      const res = copyArtifacts(s.bundle, files, { cwd: s.repo });
      assert.deepStrictEqual(res.skipped, []);
      assert.deepStrictEqual(res.entries.map((e) => e.path), EXPECTED.map((p) => `artifacts/${p}`));
      for (const [i, e] of res.entries.entries()) {
        ArtifactEntrySchema.parse(e);
        const copy = join(s.bundle, e.path);
        assert.ok(existsSync(copy));
        assert.equal(e.sha256, sha(files[i]!));
        assert.equal(e.sha256, sha(copy));
        assert.equal(e.bytes, readFileSync(files[i]!).length);
      }
      // The copies outlive a cleaned output folder.
      rmSync(join(s.repo, 'build'), { recursive: true });
      assert.ok(existsSync(join(s.bundle, 'artifacts/build/diagnostics_report.json')));
      // Paths stay inside artifacts/.
      assert.equal(artifactPathFor(s.repo, '/etc/passwd'), 'artifacts/external/passwd');
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });

  test('size caps: a file over the per-file cap and files past the total are skipped, not cut', { timeout: 20000 }, () => {
    const s = scratch();
    try {
      const files = findArtifacts(s.repo, CODEANATOMY_ARTIFACT_GLOBS, s.startMs);
      const sizes = files.map((f) => readFileSync(f).length);
      const perFile = Math.max(...sizes) - 1;
      const a = copyArtifacts(s.bundle, files, { cwd: s.repo, maxBytesPerFile: perFile });
      assert.equal(a.skipped.length, 1);
      assert.match(a.skipped[0]!.reason, /limit per file/);
      assert.equal(a.entries.length, files.length - 1);
      assert.ok(!existsSync(join(s.bundle, artifactPathFor(s.repo, a.skipped[0]!.source))));
      rmSync(s.bundle, { recursive: true, force: true });
      const total = sizes[0]! + sizes[1]!;
      const b = copyArtifacts(s.bundle, files, { cwd: s.repo, maxTotalBytes: total });
      assert.equal(b.entries.length, 2);
      assert.equal(b.entries.reduce((n, e) => n + e.bytes, 0), total);
      assert.ok(b.skipped.every((x) => /limit for all artifacts/.test(x.reason)));
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });

  test('the collector picks up files as they appear and re-copies changed ones', { timeout: 20000 }, () => {
    const root = mkdtempSync(join(tmpdir(), 'bd-collect-'));
    try {
      const repo = join(root, 'repo');
      mkdirSync(join(repo, 'out/run_bundle/a'), { recursive: true });
      const c = new ArtifactCollector({ cwd: repo, bundleDir: join(root, 'bundle'), globs: CODEANATOMY_ARTIFACT_GLOBS, sinceMs: Date.now() - 1000, maxBytesPerFile: 100 });
      assert.deepStrictEqual(c.sweep(), []);
      assert.deepStrictEqual(c.entries(), []);
      const f = join(repo, 'out/run_bundle/a/otel_logs.json');
      writeFileSync(f, '{"logs":[]}');
      c.sweep();
      assert.deepStrictEqual(c.entries().map((e) => [e.path, e.bytes]), [['artifacts/out/run_bundle/a/otel_logs.json', 11]]);
      writeFileSync(f, '{"logs": [ ]}');
      utimesSync(f, new Date(), new Date(Date.now() + 5000));
      c.sweep();
      assert.deepStrictEqual(c.entries().map((e) => [e.bytes, e.sha256]), [[13, createHash('sha256').update('{"logs": [ ]}').digest('hex')]]);
      writeFileSync(join(repo, 'out/run_bundle/a/otel_traces.json'), 'x'.repeat(200));
      const m1 = c.sweep();
      const m2 = c.sweep();
      assert.equal(m1.length, 1);
      assert.match(m1[0]!, /otel_traces\.json was not copied: larger than/);
      assert.deepStrictEqual(m2, [], 'reported once');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a run whose only telemetry is the files still gets spans, logs, problems and a full report', { timeout: 20000 }, () => {
    const s = scratch();
    try {
      const c = new ArtifactCollector({ cwd: s.repo, bundleDir: s.bundle, globs: CODEANATOMY_ARTIFACT_GLOBS, sinceMs: s.startMs });
      assert.deepStrictEqual(c.sweep(), []);
      const store = new RunStore();
      const imp = importArtifactFiles(store, c.files(), { defaultResource: { 'service.name': 'codeanatomy' } });
      assert.deepStrictEqual(imp.warnings, []);
      assert.deepStrictEqual(imp.counts, { spans: 5, logs: 5, metrics: 3, duplicates: 0 });
      assert.equal(store.spans.length, 5);
      assert.equal(store.logs.length, 5);
      assert.ok(store.spans.every((sp) => sp.resource.attributes[RECEIVED_VIA_KEY] === 'artifact'));
      assert.equal(imp.problems.length, 3);
      assert.ok(imp.buildSays?.planDiff);

      const run: RunInfo = {
        schema: RUN_SCHEMA, runId: 'r1', command: 'codeanatomy', tokenCount: 2, cwd: s.repo,
        startedAt: '2026-02-10T08:59:59.000Z', endedAt: '2026-02-10T09:01:06.000Z', durationMs: 67_000,
        exitCode: 0, signal: null, reportedExitCode: null, outcome: 'failure', errorType: 'DataFusionError', traceId: '',
        artifacts: c.entries(),
      };
      const report = buildReport({ store, run, workspaceRoot: s.repo, diagnosticsReport: imp.diagnosticsReport });
      assert.equal(report.telemetry.spans, 5);
      assert.equal(report.telemetry.logs, 5);
      assert.equal(report.slowSpans[0]!.name, 'engine_execute');
      assert.deepStrictEqual([...report.planDiff.missing].sort(), ['cpg_edges', 'cpg_props']);
      assert.ok(report.problems.some((p) => p.source === 'diagnostics_report' && p.message.includes('deletionVectors')), JSON.stringify(report.problems.map((p) => p.message)));
      assert.ok(compareBuildSays(imp.buildSays!, report).some((l) => l.startsWith('dataset readiness')));

      // The imported requests, appended to the bundle, read back to the same store contents.
      const lines = imp.requests.map((r) => JSON.stringify(r)).join('\n');
      const reread = new RunStore();
      const warnings: string[] = [];
      ingestJsonLines(lines, reread, warnings, 'telemetry');
      assert.deepStrictEqual(warnings, []);
      assert.deepStrictEqual([reread.spans.length, reread.logs.length, reread.metrics.length], [5, 5, 3]);
      assert.equal(reread.spans[0]!.resource.attributes[RECEIVED_VIA_KEY], 'artifact');
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });
});
