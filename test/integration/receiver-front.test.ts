// The receiver's front (src/receiver/front.ts): the run's port on the host's main thread, a
// TCP relay to the receiver behind it. Real sockets on loopback, real HTTP servers behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startFront } from '../../src/receiver/front.js';
import { post } from './receiver-client.js';

function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** An HTTP server that answers every request with `name` and the sha256 of the body. */
async function upstream(name: string): Promise<{ server: HttpServer; port: number }> {
  const server = createHttpServer((req, res) => {
    const h = createHash('sha256');
    req.on('data', (c: Buffer) => h.update(c));
    req.on('end', () => res.end(`${name} ${h.digest('hex')}`));
  });
  return { server, port: await listen(server) };
}

const closeServer = (s: Server | HttpServer) => new Promise<void>((r) => s.close(() => r()));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with what the socket received once it closed. */
function collect(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

test('a request sent before the receiver listens is held, then relayed intact (5 MB body)', async () => {
  const front = await startFront();
  const a = await upstream('A');
  try {
    assert.match(front.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const body = randomBytes(5 * 1024 * 1024);
    let answered = false;
    const res = post(front.url, '/v1/traces', { body }).then((r) => ((answered = true), r));
    await wait(300);
    assert.equal(answered, false, 'held while there is no receiver');
    front.forwardTo(a.port);
    const r = await res;
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), `A ${createHash('sha256').update(body).digest('hex')}`);
  } finally {
    await front.close();
    await closeServer(a.server);
  }
});

test('keep-alive requests and a half-closed client are relayed both ways', async () => {
  const front = await startFront();
  // Behind: a raw server that answers only once the client has finished sending (FIN).
  const raw = createServer({ allowHalfOpen: true }, (s) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => s.end(`got ${Buffer.concat(chunks).length} bytes`));
  });
  const port = await listen(raw);
  try {
    front.forwardTo(port);
    const s = connect({ port: front.port, host: '127.0.0.1', allowHalfOpen: true });
    const got = collect(s);
    s.end(Buffer.alloc(70_000, 1));
    assert.equal(await got, 'got 70000 bytes');
  } finally {
    await front.close();
    await closeServer(raw);
  }
});

test('new connections go to the latest receiver; one that cannot be reached is closed, not left hanging', async () => {
  const front = await startFront();
  const a = await upstream('A');
  const b = await upstream('B');
  try {
    front.forwardTo(a.port);
    assert.match((await post(front.url, '/', { body: 'x' })).body.toString(), /^A /);
    front.forwardTo(b.port);
    assert.match((await post(front.url, '/', { body: 'x' })).body.toString(), /^B /);
    // A receiver that is gone: the client sees the connection end.
    await closeServer(b.server);
    await assert.rejects(post(front.url, '/', { body: 'x' }), /socket hang up|ECONNRESET/);
  } finally {
    await front.close();
    await closeServer(a.server);
  }
});

test('refuse() closes held connections and every later one', async () => {
  const front = await startFront();
  try {
    const held = post(front.url, '/v1/traces', { body: 'x' });
    await wait(100);
    front.refuse();
    await assert.rejects(held, /socket hang up|ECONNRESET/);
    await assert.rejects(post(front.url, '/v1/traces', { body: 'x' }), /socket hang up|ECONNRESET/);
  } finally {
    await front.close();
  }
});

test('close() stops listening at once and closes what is still open once the receiver has drained', async () => {
  const front = await startFront();
  // A receiver that never answers: only close() ends the client's connection.
  const silent = createServer(() => undefined);
  const port = await listen(silent);
  try {
    front.forwardTo(port);
    const s = connect({ port: front.port, host: '127.0.0.1' });
    const got = collect(s);
    await new Promise((r) => s.once('connect', r));
    let release: () => void = () => undefined;
    const drained = new Promise<void>((r) => (release = r));
    let closed = false;
    const closing = front.close(drained).then(() => (closed = true));
    await wait(100);
    await assert.rejects(post(front.url, '/', { body: 'x' }), /ECONNREFUSED/);
    assert.equal(closed, false, 'waits for the receiver to drain');
    release();
    await closing;
    assert.equal(await got, '');
  } finally {
    await closeServer(silent);
  }
});
