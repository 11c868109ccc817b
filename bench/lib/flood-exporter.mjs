// One flooding exporter: sends `spans` spans in 512-span batches made by the real OTel
// serializer (distinct trace ids per batch), `parallel` requests at a time, as fast as the
// receiver takes them, to OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_HEADERS. A
// 503/429 is retried after its Retry-After, as OTLP exporters do. Prints a JSON tally.
//   node flood-exporter.mjs <index> <spans> [parallel]
import { Agent, request } from 'node:http';
import { protobufTemplates, variant } from './payloads.mjs';

const [index, total, parallelArg] = process.argv.slice(2).map(Number);
const parallel = parallelArg || 4;
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const headers = { 'Content-Type': 'application/x-protobuf' };
for (const part of (process.env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
  const eq = part.indexOf('=');
  if (eq > 0) headers[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
}
const templates = protobufTemplates({ batches: 4, batchSize: 512, seed: 1000 + index * 10 });
const batches = Math.ceil(total / 512);
const agent = new Agent({ keepAlive: true, maxSockets: parallel });
const tally = { index, accepted: 0, busy: 0, failed: 0 };

function post(body) {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/v1/traces`, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(body.length) } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
    });
    req.on('error', () => resolve({ status: 0, retryAfter: 1 }));
    req.end(body);
  });
}

let next = 0;
async function worker() {
  while (next < batches) {
    const k = next++;
    const body = variant(templates[k % templates.length], (index + 1) * 1_000_000 + k);
    for (let attempt = 0; attempt < 20; attempt++) {
      const r = await post(body);
      if (r.status === 200) {
        tally.accepted += 512;
        break;
      }
      if (r.status === 503 || r.status === 429) {
        tally.busy++;
        await new Promise((res) => setTimeout(res, r.retryAfter * 1000));
        continue;
      }
      tally.failed++;
      break;
    }
  }
}
tally.t0 = Date.now();
await Promise.all(Array.from({ length: parallel }, worker));
tally.t1 = Date.now();
agent.destroy();
console.log(JSON.stringify(tally));
