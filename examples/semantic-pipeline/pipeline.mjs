#!/usr/bin/env node
// An imitation of a CodeAnatomy semantic-IR pipeline build (`codeanatomy build`),
// emitting the telemetry described in shared docs codeanatomy-telemetry.md, quirks
// included: it exits 0 even when the build fails (the outcome is in
// cli_invocation_v1). See README.md for scenarios and flags.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { HELP, UsageError, parseOptions } from './lib/options.mjs';
import { configSnapshot, parentContextFromEnv, startTelemetry } from './lib/telemetry.mjs';
import { Reporter } from './lib/events.mjs';
import { loadConfig } from './lib/datasets.mjs';
import { newProgressState, startHeartbeat } from './lib/heartbeat.mjs';
import { runBuild } from './lib/build.mjs';
import { Interrupted } from './lib/traceback.mjs';
import { errorType } from './lib/stage.mjs';

const EXAMPLE_DIR = path.dirname(fileURLToPath(import.meta.url));
const SHUTDOWN_TIMEOUT_MS = 3000;
const EXIT = { SUCCESS: 0, EXECUTION_ERROR: 13, SIGINT: 130, SIGTERM: 143 };

// RFC 9562 UUIDv7: 48-bit unix ms timestamp, version 7, variant 10, random rest.
function uuidv7() {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function main() {
  const t0 = performance.now();
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const cfg = loadConfig(EXAMPLE_DIR);
  const scenario = cfg.scenarios[opts.scenario];
  const plan = {
    views: scenario.views.map((n) => cfg.views.get(n)).filter(Boolean),
    failView: scenario.fail_view,
    slowdown: scenario.slowdown ?? 1,
  };
  const parseMs = performance.now() - t0;

  const tel = startTelemetry({ env: process.env, exampleDir: EXAMPLE_DIR });
  const runId = opts.runId ?? uuidv7();
  const rep = new Reporter({ telemetry: tel, runId });
  const parentCtx = parentContextFromEnv(process.env);
  const state = newProgressState();
  const abort = new AbortController();
  const b = { dir: EXAMPLE_DIR, cfg, opts, plan, tel, rep, state, signal: abort.signal, runId };

  // A signal interrupts the build (sleeps reject), then telemetry is flushed and we
  // exit 130/143. A second signal, or a flush that takes too long, exits at once.
  let interrupted;
  const onSignal = (sig) => {
    const code = sig === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM;
    if (interrupted) process.exit(code);
    interrupted = sig;
    setTimeout(() => process.exit(code), SHUTDOWN_TIMEOUT_MS + 1500);
    abort.abort(new Interrupted(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  rep.event('otel_config_snapshot_v1', { config: configSnapshot(process.env, tel.signals) }, parentCtx);
  const heartbeat = startHeartbeat({ reporter: rep, tracer: tel.tracers.obs, state, periodMs: opts.heartbeatMs,
    quirks: opts.quirks });

  const tExec = performance.now();
  let failure;
  try {
    await runBuild(b, parentCtx);
  } catch (err) {
    failure = err;
  }
  heartbeat.stop();
  const execMs = performance.now() - tExec;

  let exitCode = EXIT.SUCCESS;
  if (failure?.signal) {
    exitCode = failure.signal === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM;
    rep.log('WARNING', 'codeanatomy.cli', `Build interrupted by ${failure.signal}`, parentCtx);
  } else if (failure) {
    exitCode = EXIT.EXECUTION_ERROR;
    rep.raw('ERROR:cli.telemetry:Command execution failed.');
    rep.raw(failure.traceback ?? `Traceback (most recent call last):\n${failure.stack ?? failure}`);
  }
  const reported = { command: 'build', ok: exitCode === EXIT.SUCCESS, parse_ms: Math.round(parseMs * 1000) / 1000,
    exec_ms: Math.round(execMs * 1000) / 1000, exit_code: exitCode };
  if (failure) Object.assign(reported, { error_class: errorType(failure), error_stage: 'execution' });
  rep.event('cli_invocation_v1', reported, parentCtx, { stderr: true });

  await tel.shutdown(SHUTDOWN_TIMEOUT_MS);
  // The real CLI computes its exit code and drops it (§2): only signals make it non-zero.
  if (interrupted) return interrupted === 'SIGINT' ? EXIT.SIGINT : EXIT.SIGTERM;
  return EXIT.SUCCESS;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // An early exception (bad config, broken install): exit 1 like the real CLI.
    process.stderr.write(`Traceback (most recent call last):\n${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
