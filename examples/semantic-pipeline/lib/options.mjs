// Command-line options of the example pipeline. Parsing errors throw UsageError,
// which the entry point turns into exit status 2 (the real CLI's PARSE_ERROR).

export const SCENARIOS = ['ok', 'fail', 'stall', 'slow'];

export const HELP = `Usage: node pipeline.mjs [build] [options]

An imitation of the CodeAnatomy semantic-IR pipeline build, instrumented with
OpenTelemetry and configured only by the standard OTEL_* environment.

Options:
  --scenario ok|fail|stall|slow   what happens during the build (default ok)
  --stall-seconds N               stall: how long the blocked view waits, in real
                                  seconds, before giving up (default 12; not scaled by --speed)
  --speed FACTOR                  multiply every simulated work duration (default 1)
  --heartbeat-ms N                build_heartbeat_v1 period in ms (default 1000);
                                  the build.heartbeat span comes every 5 periods
  --quirks                        behave like the real pipeline: no heartbeat task
                                  counts/blockers/bytes, no readiness events, no run id
                                  on heartbeats
  --no-readiness-events           do not emit dataset_readiness_v1
  --run-id ID                     run id (default: a fresh UUIDv7)
  --api-key KEY                   a credential the build accepts and never emits (used by
                                  the tests that prove no argument value is recorded)
  -h, --help                      show this help

Exit status: 0 even when the build fails (the failure is reported in the
cli_invocation_v1 event, exit_code 13), 2 for bad options, 130 on SIGINT,
143 on SIGTERM.`;

export class UsageError extends Error {}

export function parseOptions(argv) {
  const opts = {
    scenario: 'ok',
    stallSeconds: 12,
    speed: 1,
    heartbeatMs: 1000,
    quirks: false,
    readinessEvents: true,
    runId: undefined,
    help: false,
  };
  const args = [...argv];
  if (args[0] === 'build') args.shift();
  const value = (flag) => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`option ${flag} needs a value`);
    return v;
  };
  const number = (flag, min) => {
    const raw = value(flag);
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`option ${flag}: expected a number >= ${min}`);
    return n;
  };
  while (args.length > 0) {
    let arg = args.shift();
    // Accept --flag=value as well as --flag value.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      args.unshift(arg.slice(eq + 1));
      arg = arg.slice(0, eq);
    }
    switch (arg) {
      case '--scenario': {
        const s = value(arg);
        if (!SCENARIOS.includes(s)) throw new UsageError(`unknown scenario (expected one of ${SCENARIOS.join(', ')})`);
        opts.scenario = s;
        break;
      }
      case '--stall-seconds': opts.stallSeconds = number(arg, 0); break;
      case '--speed': opts.speed = number(arg, 0); break;
      case '--heartbeat-ms': opts.heartbeatMs = Math.max(50, number(arg, 1)); break;
      case '--quirks': opts.quirks = true; opts.readinessEvents = false; break;
      case '--no-readiness-events': opts.readinessEvents = false; break;
      case '--run-id': opts.runId = value(arg); break;
      // A credential, as real builds take (e.g. a tracker API key): accepted, never emitted.
      case '--api-key': value(arg); break;
      case '-h': case '--help': opts.help = true; break;
      // Never echo the unknown token: arguments may carry secrets.
      default: throw new UsageError('unknown option or argument (see --help)');
    }
  }
  return opts;
}
