import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REDACTED_KEYS, LineMasker, REDACTED, RedactionConfigError, Redactor, VALUE_RULE_NAMES } from '../../src/core/safety/redact.js';

const r = () => new Redactor();

describe('key rules', () => {
  for (const key of DEFAULT_REDACTED_KEYS) {
    test(`a key containing '${key}' (any case) is secret`, () => {
      const red = r();
      assert.equal(red.isSecretKey(`http.request.header.${key.toUpperCase()}`), true);
      assert.equal(red.isSecretKey(`x_${key}_value`), true);
    });
  }
  test('ordinary keys are not secret', () => {
    for (const k of ['service.name', 'process.args_count', 'dataset', 'event.name', 'log.iostream']) assert.equal(r().isSecretKey(k), false, k);
  });
  test('configurable substrings replace the defaults', () => {
    const red = new Redactor({ keys: ['tenant'] });
    assert.equal(red.isSecretKey('x.tenant.id'), true);
    assert.equal(red.isSecretKey('password'), false);
  });
  test('disabled redaction redacts nothing', () => {
    const red = new Redactor({ enabled: false });
    assert.equal(red.isSecretKey('password'), false);
    assert.equal(red.maskText('password=hunter2'), 'password=hunter2');
  });
});

describe('value rules (one test per rule)', () => {
  test('bearer and basic credentials', () => {
    const out = r().maskText('sent Authorization: Bearer eyAbc.def-123_X= to host; Basic dXNlcjpwYXNz');
    assert.ok(!out.includes('eyAbc.def-123_X'), out);
    assert.ok(!out.includes('dXNlcjpwYXNz'), out);
    assert.ok(out.includes(`Bearer ${REDACTED}`));
    assert.equal(r().maskText('authorization=Bearer%20abcdef123'), `authorization=Bearer%20${REDACTED}`);
  });
  test('AWS access key ids', () => {
    const out = r().maskText('key AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A used');
    assert.equal(out, `key ${REDACTED} and ${REDACTED} used`);
  });
  test('private-key blocks in one string', () => {
    const body = 'cfg:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef\n-----END RSA PRIVATE KEY-----\nrest';
    const out = r().maskText(body);
    assert.ok(!out.includes('MIIEowIBAAKCAQEA7') && !out.includes('abcdef'), out);
    assert.ok(out.startsWith('cfg:\n') && out.endsWith('\nrest'));
  });
  test('private-key blocks across lines (stdout)', () => {
    const m = new LineMasker(r());
    const lines = ['before', '-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAA', 'QyNTUxOQAAACB', '-----END OPENSSH PRIVATE KEY-----', 'after'];
    const out = lines.map((l) => m.mask(l));
    assert.equal(out[0], 'before');
    assert.equal(out[5], 'after');
    assert.ok(!out.join('\n').includes('b3BlbnNzaC1rZXktdjEAAAA'));
    assert.ok(!out.join('\n').includes('QyNTUxOQAAACB'));
  });
  test('password=… pairs, plain, quoted and JSON', () => {
    const red = r();
    assert.equal(red.maskText('connect password=hunter2 ok'), `connect password=${REDACTED} ok`);
    assert.equal(red.maskText('db_password: "s3cr et"'), `db_password: "${REDACTED}"`);
    assert.equal(red.maskText('{"api_key":"abc123","n":1}'), `{"api_key":"${REDACTED}","n":1}`);
    assert.equal(red.maskText("secret='x y'"), `secret='${REDACTED}'`);
    // Words that merely start like a key stay readable.
    assert.equal(red.maskText('processed 5 tokens: done'), 'processed 5 tokens: done');
  });
  test('credentials in URLs', () => {
    assert.equal(r().maskText('clone https://user:pa55word@git.example.com/repo'), `clone https://user:${REDACTED}@git.example.com/repo`);
  });
  test('GitHub and GitLab tokens', () => {
    const out = r().maskText('ghp_0123456789abcdefghijABCDEFGHIJ012345 github_pat_11ABCDEFG0123456789_abcdefghijklmnop glpat-abcdefghijklmnopqrst');
    assert.ok(!/ghp_0123|github_pat_11|glpat-abc/.test(out), out);
  });
  test('Slack tokens', () => {
    assert.equal(r().maskText('xoxb-1234567890-abcdefghij'), REDACTED);
  });
  test('JWTs', () => {
    assert.equal(r().maskText('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'), `jwt ${REDACTED}`);
  });
  test('extra patterns are applied; bad ones are refused by name', () => {
    assert.equal(new Redactor({ extraPatterns: ['INTERNAL-\\d+'] }).maskText('id INTERNAL-42 ok'), `id ${REDACTED} ok`);
    assert.throws(() => new Redactor({ extraPatterns: ['('] }), RedactionConfigError);
    assert.throws(() => new Redactor({ extraPatterns: ['x*'] }), /empty string/);
    assert.throws(() => new Redactor({ rules: ['nope' as never] }), /unknown redaction rule/);
  });
  test('a rule can be switched off', () => {
    const red = new Redactor({ rules: VALUE_RULE_NAMES.filter((n) => n !== 'aws-access-key') });
    assert.equal(red.maskText('AKIAIOSFODNN7EXAMPLE'), 'AKIAIOSFODNN7EXAMPLE');
  });
  test('text without secrets is returned as is and counted nowhere', () => {
    const red = r();
    const s = 'INFO building view cpg_nodes in 12 ms';
    assert.equal(red.maskText(s), s);
    assert.equal(red.stats.maskedValues, 0);
  });
  test('ANSI colour codes around a secret survive', () => {
    const out = r().maskText('\x1b[31mpassword=hunter2\x1b[0m');
    assert.equal(out, `\x1b[31mpassword=${REDACTED}\x1b[0m`);
  });
});
