// The build itself: plan (extraction, semantic_ir_compile, spec_build) and execute
// (engine_execute, collect_outputs) under build_orchestrator, with the events of
// codeanatomy-telemetry.md §3. `b` is the build: { dir, cfg, opts, plan, tel, rep,
// state, signal, runId } (see pipeline.mjs).
import path from 'node:path';
import { blocks, checkReadiness, datasetStats, deltaLogHealth } from './datasets.mjs';
import { childSpan, errorType, runPhase, runStage, shortHash, sleep } from './stage.mjs';
import { executeViews } from './execute.mjs';

// Extractors run at the start; outside the `ok` scenario scip_index fails without failing
// the build (§5).
const EXTRACTORS = [
  ['extraction.repo_scan', 'repo_scan'],
  ['extraction.ast_files', 'ast_files'],
  ['extraction.libcst_files', 'libcst_files'],
  ['extraction.tree_sitter_files', 'tree_sitter_files'],
  ['extraction.bytecode_files_v1', 'bytecode_files'],
  ['extraction.scip_index', 'scip_index'],
];

/** Runs the build under parentCtx; resolves with the output tables or rejects with the failure. */
export async function runBuild(b, parentCtx) {
  return runStage(b, parentCtx, 'build_orchestrator', async (ctx) => {
    const outputDir = path.join(b.dir, 'build');
    b.rep.event('build.start', { run_id: b.runId, repo_root: b.dir, output_dir: outputDir, product: 'cpg',
      engine_profile: 'default', rulepack_profile: 'default' }, ctx, { stderr: true });
    b.rep.log('INFO', 'codeanatomy.pipeline', `Starting build run_id=${b.runId}`, ctx);
    try {
      const compiled = await runPhase(b, ctx, 'plan', async () => {
        await runStage(b, ctx, 'extraction', (c) => extraction(b, c));
        const views = await runStage(b, ctx, 'semantic_ir_compile', (c) => compile(b, c));
        await runStage(b, ctx, 'spec_build', (c) => specBuild(b, c, views));
        return views;
      });
      const outputs = await runPhase(b, ctx, 'execute', async () => {
        const out = await runStage(b, ctx, 'engine_execute', (c) => executeViews(b, c, compiled));
        await runStage(b, ctx, 'collect_outputs', () => sleep(60 * b.opts.speed, b.signal));
        return out;
      });
      const cpg = outputs.filter((o) => o.view.kind === 'cpg').length;
      b.rep.event('build.success', { run_id: b.runId, output_dir: outputDir,
        run_bundle_dir: path.join(outputDir, 'run_bundle', b.runId) }, ctx, { stderr: true });
      b.rep.log('INFO', 'codeanatomy.pipeline', `Build complete. CPG outputs=${cpg}, auxiliary outputs=${outputs.length - cpg}`, ctx);
      return outputs;
    } catch (err) {
      // Ctrl-C is not an Exception in Python: no build.failure for it.
      if (!err?.signal) {
        b.rep.event('build.failure', { run_id: b.runId, error_type: errorType(err), error: err?.message ?? String(err) },
          ctx, { stderr: true });
      }
      throw err;
    }
  });
}

async function extraction(b, ctx) {
  const { tracers } = b.tel;
  for (const [spanName, extractor] of EXTRACTORS) {
    await childSpan(tracers.extract, ctx, spanName, { extractor, 'codeanatomy.run_id': b.runId }, 70 * b.opts.speed,
      b.signal, async (c) => {
        // A failing extractor does not fail the build (§5); the clean `ok` run stays clean.
        if (extractor === 'scip_index' && b.opts.scenario !== 'ok') {
          b.rep.log('WARNING', 'codeanatomy.extract', 'Extractor scip_index failed: FileNotFoundError: scip-python not found on PATH', c);
        }
      });
  }
  // Readiness of every dataset the planned views read, checked on disk.
  for (const name of inputDatasets(b)) {
    const ds = b.cfg.datasets.get(name);
    if (!ds) continue;
    const readiness = checkReadiness(b.dir, ds);
    if (b.opts.readinessEvents) b.rep.event('dataset_readiness_v1', readiness, ctx);
    if (ds.format === 'delta') {
      b.rep.event('delta_log_health_v1', { ...deltaLogHealth(b.dir, ds, readiness), run_id: b.runId }, ctx);
    }
    if (blocks(readiness)) {
      b.rep.log('WARNING', 'codeanatomy.storage', `Dataset ${name} is not readable: ${readiness.reason}`, ctx);
      continue;
    }
    const stats = datasetStats(b.dir, ds);
    b.state.datasetRows[name] = stats.rows;
    b.state.datasetColumns[name] = stats.columns;
    b.state.scanRowGroups[name] = stats.rowGroups;
    b.state.scanFragments[name] = stats.fragments;
    b.tel.instruments.datasetRows.record(stats.rows, { dataset: name });
    b.tel.instruments.datasetColumns.record(stats.columns, { dataset: name });
  }
}

function inputDatasets(b) {
  return [...new Set(b.plan.views.flatMap((v) => v.referenced_tables))];
}

async function compile(b, ctx) {
  const compiled = [];
  for (const view of b.plan.views) {
    const planHash = shortHash('plan', view.name, ...view.referenced_tables);
    const identity = shortHash('identity', view.name, b.runId);
    await childSpan(b.tel.tracers.datafusion, ctx, 'datafusion.plan.compile', { view_name: view.name,
      plan_kind: view.plan_kind, plan_fingerprint: planHash, 'codeanatomy.run_id': b.runId }, 40 * b.opts.speed, b.signal,
    async (c, span) => {
      const { traceId, spanId } = span.spanContext();
      for (const [i, phase] of ['logical', 'optimized', 'physical'].entries()) {
        b.rep.event('datafusion_plan_phase_v1', { plan_hash: planHash, plan_identity_hash: identity, phase,
          duration_ms: 4 + i * 3, trace_id: traceId, span_id: spanId, run_id: b.runId }, c, { kind: 'artifact' });
      }
      b.rep.event('datafusion_plan_bundle_v1', { plan_hash: planHash, plan_identity_hash: identity,
        plan_kind: view.plan_kind, stage: 'semantic_ir_compile', view_name: view.name,
        required_udfs: view.name.startsWith('cpg_') ? ['stable_id', 'span_make'] : ['stable_id'],
        required_rewrite_tags: ['semantic_join'], referenced_tables: view.referenced_tables, run_id: b.runId },
      c, { kind: 'artifact' });
    });
    compiled.push({ view, planHash, identity });
  }
  return compiled;
}

async function specBuild(b, ctx, compiled) {
  await sleep(50 * b.opts.speed, b.signal);
  const names = compiled.map((c) => c.view.name);
  b.specHash = shortHash('spec', ...names);
  b.state.total = names.length;
  b.rep.event('engine_spec_summary_v1', {
    spec_hash: b.specHash,
    view_count: names.length,
    view_names: names,
    join_edge_count: compiled.reduce((n, c) => n + Math.max(0, c.view.referenced_tables.length - 1), 0),
    rule_intent_count: names.length * 2,
    rulepack_profile: 'default',
    input_relation_count: inputDatasets(b).length,
    output_target_count: names.length,
  }, ctx, { kind: 'artifact', stderr: true });
  b.rep.log('INFO', 'codeanatomy.pipeline', `Execution spec built: ${names.length} views`, ctx);
}
