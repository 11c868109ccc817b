// The manifest and the code agree: package.json's contributes/activationEvents/capabilities
// are the ones generated from the registry; every contributed command is registered at
// activation (and nothing else is); every setting read is declared, and every declared
// setting is read; menus and `when` clauses name things that exist.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installFakeVscode } from './extension-fake-vscode.js';
import { activationEvents, capabilities, contributes } from '../../src/extension/manifest.js';
import { CONTEXT, ITEM, SECTION } from '../../src/extension/registry.js';
import { parseSettings } from '../../src/extension/settings.js';

const ROOT = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const FIX = `node --import tsx -e "require('./src/extension/manifest.ts').writeManifest('package.json')"`;

interface Contributes {
  commands: { command: string }[];
  menus: Record<string, { command: string; when?: string }[]>;
  views: Record<string, { id: string }[]>;
  taskDefinitions: { type: string }[];
  configuration: { properties: Record<string, { default: unknown }> };
}
const c = pkg.contributes as Contributes;

describe('extension manifest ↔ registry', () => {
  test('package.json holds exactly what the registry generates', () => {
    assert.deepEqual(pkg.contributes, contributes(), `contributes differs; regenerate with: ${FIX}`);
    assert.deepEqual(pkg.activationEvents, activationEvents(), `activationEvents differ; regenerate with: ${FIX}`);
    assert.deepEqual(pkg.capabilities, capabilities(), `capabilities differ; regenerate with: ${FIX}`);
  });

  test('the configuration surface is contributed: its settings and the effective-configuration command', () => {
    const props = c.configuration.properties;
    for (const k of ['forward', 'traceUrlTemplate', 'hamilton', 'redaction', 'limits', 'retention', 'debug']) {
      assert.ok(props[`${SECTION}.${k}`], `${SECTION}.${k} is not declared`);
    }
    const builds = props[`${SECTION}.builds`] as unknown as { items: { properties: Record<string, unknown> } };
    assert.ok(builds.items.properties.otel, 'builds[].otel is not declared');
    assert.ok(c.commands.some((x) => x.command === `${SECTION}.showEffectiveConfiguration`));
    assert.ok(!(c.menus.commandPalette ?? []).some((x) => x.command === `${SECTION}.showEffectiveConfiguration`), 'hidden from the palette');
  });

  test('activation is narrow: never * or on startup', () => {
    for (const e of pkg.activationEvents as string[]) {
      assert.ok(e !== '*' && e !== 'onStartupFinished', `activation event ${e} activates everywhere`);
      assert.match(e, /^(onView:buildDiagnostics\.|onTaskType:build-diagnostics$|onWebviewPanel:buildDiagnostics\.panel$|workspaceContains:\.build-diagnostics\/)/);
    }
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.description.length > 20, 'limited trust support needs a reason');
  });

  test('menus name contributed commands, and when-clauses known keys and item kinds', () => {
    const ids = new Set(c.commands.map((x) => x.command));
    const views = new Set(Object.values(c.views).flat().map((v) => v.id));
    const contextKeys = new Set<string>(Object.values(CONTEXT));
    const items = new Set<string>(Object.values(ITEM));
    for (const [menu, entries] of Object.entries(c.menus)) {
      for (const e of entries) {
        assert.ok(ids.has(e.command), `${menu} names ${e.command}, which is not contributed`);
        for (const tok of (e.when ?? '').match(/buildDiagnostics\.[A-Za-z.]+/g) ?? []) {
          assert.ok(views.has(tok) || contextKeys.has(tok), `${menu}: unknown key ${tok} in "${e.when}"`);
        }
        for (const m of (e.when ?? '').matchAll(/viewItem == ([\w.]+)/g)) assert.ok(items.has(m[1]!), `unknown viewItem ${m[1]}`);
      }
    }
  });

  test('settings are read in one place: getConfiguration only in config.ts (and commands.ts to write)', () => {
    const dir = join(ROOT, 'src', 'extension');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const line of text.split('\n').filter((l) => l.includes('getConfiguration('))) {
        if (f === 'config.ts') assert.match(line, /getConfiguration\(SECTION,/, line);
        else if (f === 'commands.ts') assert.match(line, /getConfiguration\(\)\.update\(settingId\(/, line);
        else assert.fail(`${f} reads configuration outside config.ts: ${line.trim()}`);
      }
    }
  });

  test('the manifest defaults are valid settings', () => {
    const defaults = Object.fromEntries(
      Object.entries(c.configuration.properties).map(([k, v]) => [k.slice(SECTION.length + 1), v.default]),
    );
    assert.deepEqual(parseSettings((k) => defaults[k]).errors, []);
  });

  test('activate() registers every contributed command, view and task type, and reads exactly the declared settings', { timeout: 30_000 }, async () => {
    const ws = mkdtempSync(join(tmpdir(), 'bd-ext-manifest-'));
    try {
      const rec = installFakeVscode(ws);
      const ext = (await import('../../src/extension/extension.js')) as typeof import('../../src/extension/extension.js');
      const subscriptions: { dispose(): void }[] = [];
      ext.activate({ subscriptions, globalStorageUri: { fsPath: ws } } as never);

      assert.deepEqual([...rec.commands.keys()].sort(), c.commands.map((x) => x.command).sort());
      assert.deepEqual(rec.treeViews.sort(), Object.values(c.views).flat().map((v) => v.id).sort());
      assert.deepEqual(rec.taskProviders, c.taskDefinitions.map((t) => t.type));
      // A panel left open comes back after a reload only if its serializer is registered
      // during activation, for exactly the view types that activate us.
      const panelEvents = (pkg.activationEvents as string[]).filter((e) => e.startsWith('onWebviewPanel:')).map((e) => e.slice('onWebviewPanel:'.length));
      assert.deepEqual(rec.serializers, panelEvents);
      assert.ok(panelEvents.length > 0, 'the panel does not activate the extension');
      const declared = Object.keys(c.configuration.properties).sort();
      assert.deepEqual([...new Set(rec.settingsRead)].sort(), declared, 'settings read ≠ settings declared');
      assert.deepEqual(rec.messages, [], 'activation with default settings showed a message');

      // Commands that cannot act say why instead of failing silently.
      await rec.commands.get('buildDiagnostics.stopBuild')!();
      assert.match(rec.messages.at(-1) ?? '', /no build is running/);
      await rec.commands.get('buildDiagnostics.openReport')!();
      assert.match(rec.messages.at(-1) ?? '', /no run yet/);
      await rec.commands.get('buildDiagnostics.showEffectiveConfiguration')!();
      assert.match(rec.messages.at(-1) ?? '', /no build is configured/);

      for (const d of subscriptions) d.dispose();
      assert.equal(rec.commands.size, 0, 'a command outlived the extension');
      assert.deepEqual(rec.serializers, [], 'the panel serializer outlived the extension');
      await ext.deactivate();
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
