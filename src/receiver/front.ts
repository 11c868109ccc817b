// The run's telemetry port, held on the host's main thread: a plain TCP relay in front of the
// run's receiver (which runs in the ingest worker, session/pipeline.ts). It listens at once,
// so the build can be started with its endpoint while the worker thread is still booting (a
// thread takes 25–45 ms to boot and load the receiver, and that wait used to be on the path to
// the build's start). Connections that arrive before the receiver listens are held, paused,
// and relayed once it does; when the worker dies, the main thread's fallback receiver takes
// over behind the same port (exporters retry what was cut off).
// Only bytes pass here: no HTTP parsing, no decoding. Each chunk is one short callback, so a
// flood costs this thread little (docs/performance.md, event-loop lag); the receiver behind it
// keeps every check (token, limits, back-pressure answers).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ReceiverFront {
  readonly url: string;
  readonly port: number;
  /** Connections go to the receiver on `port` from now on; held ones are relayed now. */
  forwardTo(port: number): void;
  /** There is no receiver: held and new connections are closed. */
  refuse(): void;
  /** Stops listening; connections still open are closed once `drained` resolves (the
   * receiver behind has closed its side of them by then). */
  close(drained?: Promise<unknown>): Promise<void>;
}

const HOST = '127.0.0.1';

/** Listens on an ephemeral loopback port; resolves once it does. */
export function startFront(): Promise<ReceiverFront> {
  let target: number | 'refused' | undefined;
  const held: Socket[] = [];
  const open = new Set<Socket>();

  const relay = (client: Socket, port: number): void => {
    const upstream = connect({ port, host: HOST, allowHalfOpen: true, noDelay: true });
    open.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', () => {
      open.delete(upstream);
      drop();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server: Server = createServer({ pauseOnConnect: true, allowHalfOpen: true, noDelay: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    if (target === 'refused') client.destroy();
    else if (target === undefined) {
      held.push(client);
      client.once('close', () => {
        const i = held.indexOf(client);
        if (i >= 0) held.splice(i, 1);
      });
      client.on('error', () => client.destroy());
    } else relay(client, target);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://${HOST}:${port}`,
        port,
        forwardTo(to) {
          target = to;
          for (const c of held.splice(0)) if (!c.destroyed) relay(c, to);
        },
        refuse() {
          target = 'refused';
          for (const c of held.splice(0)) c.destroy();
        },
        async close(drained) {
          const closed = new Promise<void>((r) => server.close(() => r()));
          await drained;
          for (const s of open) s.destroy();
          await closed;
        },
      });
    });
  });
}
