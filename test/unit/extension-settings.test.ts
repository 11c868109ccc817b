// Settings parsing (zod, frozen, errors by name) and build resolution — no editor needed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { formatSettingErrors, parseSettings, SETTING_DEFAULTS } from '../../src/extension/settings.js';
import { buildFromTask, resolveBuild } from '../../src/extension/buildSpec.js';
import type { SettingKey } from '../../src/extension/registry.js';

const parse = (raw: Partial<Record<SettingKey, unknown>>) => parseSettings((k) => raw[k]);

describe('extension settings', () => {
  test('unset settings take the documented defaults, without errors', () => {
    const p = parse({});
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.settings, SETTING_DEFAULTS);
  });

  test('a valid configuration parses into a deeply frozen object', () => {
    const p = parse({
      builds: [
        { name: 'ok', command: ['node', 'x.mjs'], cwd: 'sub', env: { A: '1' }, datasets: [{ name: 'd', path: 'data/d', format: 'delta' }], stallThresholdSeconds: 5 },
        { name: 'sh', command: 'make all' },
      ],
      defaultBuild: 'sh',
      historySize: 3,
      notifications: 'failures',
      stallThresholdSeconds: 12,
    });
    assert.deepEqual(p.errors, []);
    assert.equal(p.settings.builds.length, 2);
    assert.equal(p.settings.historySize, 3);
    assert.ok(Object.isFrozen(p.settings));
    assert.ok(Object.isFrozen(p.settings.builds));
    assert.ok(Object.isFrozen(p.settings.builds[0]!.datasets![0]));
    assert.throws(() => {
      (p.settings as { historySize: number }).historySize = 9;
    }, TypeError);
  });

  test('each invalid setting is reported by its full name, never silently accepted', () => {
    const p = parse({
      historySize: 0,
      notifications: 'loud',
      stallThresholdSeconds: '30',
      builds: [{ name: 'a', command: [] }],
    });
    const names = p.errors.map((e) => e.setting).sort();
    assert.deepEqual(names, [
      'buildDiagnostics.builds',
      'buildDiagnostics.historySize',
      'buildDiagnostics.notifications',
      'buildDiagnostics.stallThresholdSeconds',
    ]);
    assert.match(formatSettingErrors(p.errors), /invalid setting buildDiagnostics\.historySize: .*>=\s?1/);
    assert.match(p.errors.find((e) => e.setting.endsWith('builds'))!.message, /\[0\]\.command/);
  });

  test('unknown keys in a build (typos) and duplicate names are errors', () => {
    const typo = parse({ builds: [{ name: 'a', comand: 'make' }] });
    assert.equal(typo.errors.length, 1);
    assert.match(typo.errors[0]!.message, /comand|command/);
    const dup = parse({ builds: [{ name: 'a', command: 'x' }, { name: 'a', command: 'y' }] });
    assert.match(dup.errors[0]!.message, /"a" is used twice/);
  });

  test('defaultBuild must name a configured build', () => {
    const p = parse({ builds: [{ name: 'a', command: 'x' }], defaultBuild: 'b' });
    assert.deepEqual(p.errors.map((e) => e.setting), ['buildDiagnostics.defaultBuild']);
    assert.match(p.errors[0]!.message, /"b" is not the name of a build/);
  });
});

describe('build resolution', () => {
  const root = resolve('/tmp/ws-example');

  test('argv runs without a shell, a string through it; ${workspaceFolder} is substituted', () => {
    const s = parse({ stallThresholdSeconds: 7 }).settings;
    const argv = resolveBuild({ name: 'a', command: ['node', '${workspaceFolder}/p.mjs'], env: { D: '${workspaceFolder}/d' } }, s, root);
    assert.deepEqual(argv.argv, ['node', `${root}/p.mjs`]);
    assert.equal(argv.shell, false);
    assert.equal(argv.cwd, root);
    assert.equal(argv.env.D, `${root}/d`);
    assert.equal(argv.stallThresholdS, 7);
    assert.equal(argv.outDir, undefined, 'a build in the workspace root uses the default bundle folder');
    const sh = resolveBuild({ name: 'b', command: 'make all', stallThresholdSeconds: 3 }, s, root);
    assert.deepEqual(sh.argv, ['make all']);
    assert.equal(sh.shell, true);
    assert.equal(sh.stallThresholdS, 3);
  });

  test('a build in a subfolder still keeps its bundle in the workspace history', () => {
    const r = resolveBuild({ name: 'a', command: ['x'], cwd: 'examples/p' }, SETTING_DEFAULTS, root);
    assert.equal(r.cwd, join(root, 'examples/p'));
    assert.ok(r.outDir?.startsWith(join(root, '.build-diagnostics', 'runs') + '/'), r.outDir);
  });

  test('tasks name a build or carry an inline command, and say what is wrong otherwise', () => {
    const s = parse({ builds: [{ name: 'ok', command: 'make' }] }).settings;
    assert.equal((buildFromTask({ build: 'ok' }, s, 't') as { command: string }).command, 'make');
    assert.match(buildFromTask({ build: 'nope' }, s, 't') as string, /no build named "nope"/);
    assert.deepEqual(buildFromTask({ command: ['a', 'b'], cwd: 'x' }, s, 'inline'), { name: 'inline', command: ['a', 'b'], cwd: 'x' });
    assert.match(buildFromTask({ command: [1] }, s, 't') as string, /needs "build"/);
  });
});
