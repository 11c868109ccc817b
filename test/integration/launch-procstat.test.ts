import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { auxvSysconf, listDescendants, parseStat, readProcTable, readSubtree, sampleProcessTree } from '../../src/launch/procstat.js';

const CHILDREN = resolve(__dirname, '../fixtures/children');

describe('procstat', () => {
  test('parseStat copes with spaces and parentheses in the command name', () => {
    const line = '123 (a (b) c) S 1 123 123 0 -1 4194560 100 0 0 0 250 50 10 5 20 0 1 0 98765 1000 200';
    const st = parseStat(line);
    assert.deepEqual(st, { pid: 123, ppid: 1, pgrp: 123, session: 123, state: 'S', cpuTicks: 315, startTime: 98765 });
    assert.equal(parseStat('garbage'), undefined);
  });

  test('a busy child shows growing CPU time and resident memory; gone → undefined', { timeout: 30000 }, async () => {
    const child = spawn(process.execPath, [resolve(CHILDREN, 'proc-busy.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout!, 'data');
      const first = sampleProcessTree(child.pid!);
      assert.ok(first, 'first sample');
      assert.deepEqual(first.pids, [child.pid]);
      assert.ok(first.rssBytes > 32 * 1024 * 1024, `rss ${first.rssBytes}`);
      // Poll until CPU time has visibly grown (clock-tick resolution is 10 ms).
      let later = first;
      for (let i = 0; i < 100 && later.cpuSeconds <= first.cpuSeconds + 0.05; i++) {
        await new Promise((r) => setTimeout(r, 50));
        later = sampleProcessTree(child.pid!) ?? later;
      }
      assert.ok(later.cpuSeconds > first.cpuSeconds, `${later.cpuSeconds} > ${first.cpuSeconds}`);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    assert.equal(sampleProcessTree(child.pid!), undefined);
  });

  test('listDescendants and the tree sample include grandchildren', { timeout: 30000 }, async () => {
    const code = "const c=require('node:child_process').spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'ignore'});console.log(c.pid);setInterval(()=>{},1000)";
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let grandchild = 0;
    try {
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
      grandchild = Number(chunk.toString().trim());
      assert.deepEqual(listDescendants(child.pid!), [grandchild]);
      const sample = sampleProcessTree(child.pid!);
      assert.deepEqual(sample?.pids, [child.pid, grandchild]);
      // The children-list walk sees the same subtree, with the same stat lines, as the full table.
      const sub = readSubtree([child.pid!]);
      assert.ok(sub, 'this Linux kernel lists children in /proc/<pid>/task/<tid>/children');
      assert.deepEqual([...sub.keys()].sort(), [child.pid!, grandchild].sort());
      const full = readProcTable();
      assert.equal(sub.get(grandchild)?.ppid, child.pid);
      assert.equal(sub.get(grandchild)?.startTime, full.get(grandchild)?.startTime);
    } finally {
      if (grandchild) process.kill(grandchild, 'SIGKILL');
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  test('the auxiliary vector gives the same CLK_TCK and page size as getconf', () => {
    const fromAuxv = auxvSysconf(readFileSync('/proc/self/auxv'), 8);
    const getconf = (name: string): number => Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    assert.deepEqual(fromAuxv, { clkTck: getconf('CLK_TCK'), pageSize: getconf('PAGESIZE') });
    // Truncated, empty or implausible vectors are refused (then getconf is asked).
    assert.equal(auxvSysconf(Buffer.alloc(0), 8), undefined);
    const odd = Buffer.alloc(48);
    odd.writeBigUInt64LE(6n, 0);
    odd.writeBigUInt64LE(3000n, 8); // not a power of two
    odd.writeBigUInt64LE(17n, 16);
    odd.writeBigUInt64LE(100n, 24);
    assert.equal(auxvSysconf(odd, 8), undefined);
    odd.writeBigUInt64LE(4096n, 8);
    assert.deepEqual(auxvSysconf(odd, 8), { clkTck: 100, pageSize: 4096 });
  });

  test('unknown pid → undefined, never throws', () => {
    assert.equal(sampleProcessTree(2 ** 22 + 12345), undefined);
    assert.deepEqual(listDescendants(2 ** 22 + 12345), []);
    assert.equal(readSubtree([2 ** 22 + 12345])?.size ?? 0, 0);
  });
});
