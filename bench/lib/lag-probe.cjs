// Loaded with `node --require` into the process that hosts the receiver (the build-diag CLI)
// when BD_LAG_OUT names a file: samples the event-loop lag every 5 ms (how late a timer
// fires) with its wall-clock time, and writes the samples there when the process exits.
// It removes itself from the environment first, so the build and its children do not
// inherit it.
'use strict';
const out = process.env.BD_LAG_OUT;
if (out) {
  delete process.env.BD_LAG_OUT;
  delete process.env.NODE_OPTIONS;
  const { writeFileSync } = require('node:fs');
  const INTERVAL = 5;
  const MAX = 400_000;
  const at = new Float64Array(MAX);
  const lag = new Float32Array(MAX);
  let n = 0;
  let expected = performance.now() + INTERVAL;
  const tick = () => {
    const now = performance.now();
    if (n < MAX) {
      at[n] = performance.timeOrigin + now;
      lag[n++] = Math.max(0, now - expected);
    }
    expected = now + INTERVAL;
    setTimeout(tick, INTERVAL).unref();
  };
  setTimeout(tick, INTERVAL).unref();
  process.on('exit', () => {
    writeFileSync(out, JSON.stringify({ at: Array.from(at.subarray(0, n)), lag: Array.from(lag.subarray(0, n)) }));
  });
}
