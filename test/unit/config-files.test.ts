// Declarative configuration files and Hamilton's git HEAD: small temporary files only.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigFileError, checkConfigFile } from '../../src/core/config/index.js';
import { resolveLaunchConfig } from '../../src/launch/otelConfig.js';
import { hamiltonLinks, hamiltonSetup, readGitHead } from '../../src/launch/hamilton.js';

const dir = mkdtempSync(join(tmpdir(), 'bd-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `file_format: "1.0"
resource:
  attributes:
    - name: team
      value: data
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            endpoint: \${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces
`;

describe('declarative configuration files', () => {
  test('a valid file is accepted and its resource attributes are read', () => {
    writeFileSync(join(dir, 'ok.yaml'), VALID);
    const c = checkConfigFile('OTEL_CONFIG_FILE', 'ok.yaml', dir);
    assert.equal(c.resourceAttributes.team, 'data');
    assert.deepEqual(c.warnings, []);
  });
  test('a file that ignores our endpoint is accepted with a warning', () => {
    writeFileSync(join(dir, 'elsewhere.yaml'), VALID.replace('${OTEL_EXPORTER_OTLP_ENDPOINT}', 'http://collector:4318'));
    assert.equal(checkConfigFile('OTEL_CONFIG_FILE', 'elsewhere.yaml', dir).warnings.length, 1);
  });
  test('missing, not YAML, schema-invalid, wrong version: clear errors naming the variable', () => {
    writeFileSync(join(dir, 'syntax.yaml'), 'file_format: "1.0"\ntracer_provider: [\n');
    writeFileSync(join(dir, 'schema.yaml'), 'file_format: "1.0"\ntracer_provider:\n  processors: 7\n');
    writeFileSync(join(dir, 'version.yaml'), 'file_format: "9.0"\n');
    const cases: [string, RegExp][] = [
      ['nope.yaml', /OTEL_EXPERIMENTAL_CONFIG_FILE \(.*nope\.yaml\) cannot be read \(ENOENT\)/],
      ['syntax.yaml', /is not valid YAML \(line \d+\)/],
      ['schema.yaml', /not a valid OpenTelemetry configuration file: .*processors must be array/],
      ['version.yaml', /Unsupported file_format/],
    ];
    for (const [file, re] of cases) {
      assert.throws(() => checkConfigFile('OTEL_EXPERIMENTAL_CONFIG_FILE', file, dir), (e: unknown) => e instanceof ConfigFileError && re.test(e.message), file);
    }
  });
  test('the launch check finds the file in any layer (user environment included)', () => {
    assert.throws(() => resolveLaunchConfig({ cwd: dir, userEnv: { OTEL_CONFIG_FILE: 'nope.yaml' } }), ConfigFileError);
    const lc = resolveLaunchConfig({ cwd: dir, userEnv: {}, otel: { configFile: 'ok.yaml' } });
    assert.equal(lc.configFiles.length, 1);
    assert.equal(lc.childEnv({ endpoint: 'http://x', token: 't', traceparent: 'tp', runId: 'r' }).env.OTEL_EXPERIMENTAL_CONFIG_FILE, 'ok.yaml');
    assert.equal(process.env.OTEL_CONFIG_FILE, undefined, 'the check leaves the process environment as it was');
  });
});

describe('Hamilton', () => {
  const sha = 'a'.repeat(40);
  test('git HEAD is read without git: loose ref, packed ref, detached, .git file', () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, '.git', 'refs', 'heads'), { recursive: true });
    mkdirSync(join(repo, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(repo, '.git', 'refs', 'heads', 'main'), `${sha}\n`);
    assert.equal(readGitHead(join(repo, 'sub', 'deeper')), sha);
    rmSync(join(repo, '.git', 'refs', 'heads', 'main'));
    writeFileSync(join(repo, '.git', 'packed-refs'), `# pack-refs\n${'b'.repeat(40)} refs/heads/main\n`);
    assert.equal(readGitHead(repo), 'b'.repeat(40));
    writeFileSync(join(repo, '.git', 'HEAD'), `${'c'.repeat(40)}\n`);
    assert.equal(readGitHead(repo), 'c'.repeat(40));
    const wt = join(dir, 'worktree');
    mkdirSync(wt);
    writeFileSync(join(wt, '.git'), `gitdir: ${join(repo, '.git')}\n`);
    assert.equal(readGitHead(wt), 'c'.repeat(40));
    assert.equal(readGitHead(tmpdir() + '/definitely-not-a-repo-' + Date.now()), undefined);
  });
  test('variables, default DAG name and tags', () => {
    const repo = join(dir, 'proj');
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, '.git', 'HEAD'), `${sha}\n`);
    const h = hamiltonSetup({ projectId: 7, username: 'me', uiUrl: 'https://ui', apiUrl: 'https://api' }, { workspaceRoot: repo, environment: 'ci' })!;
    assert.equal(h.dagName, `proj::semantic_ir_v1::${sha}`);
    assert.equal(h.env.HAMILTON_PROJECT_ID, '7');
    assert.equal(h.env.HAMILTON_USERNAME, 'me');
    assert.equal(h.env.HAMILTON_API_URL, 'https://api');
    assert.equal(h.env.HAMILTON_UI_URL, 'https://ui');
    assert.equal(h.env.HAMILTON_DAG_NAME, h.dagName);
    assert.deepEqual(JSON.parse(h.env.HAMILTON_TAGS!), { environment: 'ci', semantic_version: 'semantic_ir_v1', repo_hash: sha });
    assert.equal(h.env.CODEANATOMY_HAMILTON_PROJECT_ID, undefined);
    assert.equal(hamiltonSetup({ projectId: 1 }, { workspaceRoot: repo, codeanatomy: true })!.env.CODEANATOMY_HAMILTON_PROJECT_ID, '1');
    assert.equal(hamiltonSetup({}, { workspaceRoot: repo }), undefined);
  });
  test('Hamilton settings are build configuration: they reach the child, flags still win', () => {
    const lc = resolveLaunchConfig({ cwd: dir, userEnv: { HAMILTON_PROJECT_ID: 'user' }, hamilton: { projectId: 'cfg', dagName: 'd' }, otelFlags: { env: { HAMILTON_DAG_NAME: 'flag' } } });
    const { env, origins } = lc.childEnv({ endpoint: 'http://x', token: 't', traceparent: 'tp', runId: 'r' });
    assert.equal(env.HAMILTON_PROJECT_ID, 'cfg');
    assert.equal(origins.HAMILTON_PROJECT_ID, 'run');
    assert.equal(env.HAMILTON_DAG_NAME, 'flag');
  });
  test('links to the project, and the run when its id is known', () => {
    assert.deepEqual(hamiltonLinks({ uiUrl: 'https://ui/', projectId: 3 }, 'r9').map((l) => l.url), ['https://ui/dashboard/project/3', 'https://ui/dashboard/project/3/runs/r9']);
    assert.deepEqual(hamiltonLinks({ projectId: 3 }), []);
  });
});
