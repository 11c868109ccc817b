// Stage spans and simulated work (codeanatomy-telemetry.md §4): each stage span has
// `codeanatomy.stage`, `stage.start`/`stage.end` events, `duration_s` and `status`
// at the end, the slow marker at >= 5 s, and a recorded exception on failure.
import { createHash } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';

export const SLOW_THRESHOLD_S = 5.0;

/** Resolves after ms, or rejects with signal.reason as soon as the build is interrupted. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const shortHash = (...parts) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

/** The Python-ish type name of an error (for error_type / error_class / exception.type). */
export const errorType = (err) => err?.pyType ?? err?.name ?? 'Exception';

export function recordError(span, err) {
  try {
    span.recordException({ name: errorType(err), message: err?.message ?? String(err), stack: err?.traceback ?? err?.stack });
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${errorType(err)}: ${err?.message ?? ''}` });
  } catch {
    /* ignore */
  }
}

/**
 * Runs fn inside a stage span (scope codeanatomy.pipeline) that is a child of parentCtx.
 * @template T
 * @param {object} b the build (see build.mjs)
 * @param {import('@opentelemetry/api').Context} parentCtx
 * @param {string} name
 * @param {(ctx: import('@opentelemetry/api').Context, span: import('@opentelemetry/api').Span) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function runStage(b, parentCtx, name, fn) {
  const span = b.tel.tracers.pipeline.startSpan(name, {
    attributes: { 'codeanatomy.stage': name, 'codeanatomy.run_id': b.runId },
  }, parentCtx);
  const ctx = trace.setSpan(parentCtx, span);
  const previous = b.state.stage;
  b.state.stage = name;
  span.addEvent('stage.start', { 'codeanatomy.stage': name });
  const t0 = performance.now();
  let status = 'ok';
  try {
    return await fn(ctx, span);
  } catch (err) {
    status = 'error';
    recordError(span, err);
    b.tel.instruments.errorCount.add(1, { stage: name, error_type: errorType(err) });
    throw err;
  } finally {
    const duration = (performance.now() - t0) / 1000;
    span.setAttributes({ duration_s: duration, status });
    if (duration >= SLOW_THRESHOLD_S) {
      span.setAttributes({ 'codeanatomy.slow': true, 'codeanatomy.slow_threshold_s': SLOW_THRESHOLD_S });
    }
    span.addEvent('stage.end', { 'codeanatomy.stage': name, status, duration_s: duration });
    b.tel.instruments.stageDuration.record(duration, { stage: name, status });
    span.end();
    b.state.stage = previous;
  }
}

/** Wraps fn in build.phase.start / build.phase.end events on ctx. */
export async function runPhase(b, ctx, phase, fn) {
  const profiles = { engine_profile: 'default', rulepack_profile: 'default' };
  b.rep.event('build.phase.start', { phase, ...profiles, run_id: b.runId }, ctx, { stderr: true });
  try {
    const out = await fn();
    b.rep.event('build.phase.end', { phase, status: 'ok', run_id: b.runId }, ctx, { stderr: true });
    return out;
  } catch (err) {
    b.rep.event('build.phase.end', { phase, status: 'error', run_id: b.runId, error_type: errorType(err),
      error: err?.message ?? String(err) }, ctx, { stderr: true });
    throw err;
  }
}

/** A short child span for a unit of simulated work (extractors, plan compilation). */
export async function childSpan(tracer, ctx, name, attributes, ms, signal, fn) {
  const span = tracer.startSpan(name, { attributes }, ctx);
  const inner = trace.setSpan(ctx, span);
  try {
    await sleep(ms, signal);
    return fn ? await fn(inner, span) : undefined;
  } catch (err) {
    recordError(span, err);
    throw err;
  } finally {
    span.end();
  }
}
