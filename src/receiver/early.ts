// A receiver's HTTP server started before the receiver itself (only node built-ins here):
// the CLI's spare ingest worker (src/launch/session/ingest-spare.ts) listens with this as soon
// as its thread has booted, before the ingest worker's code is even compiled, because the
// build cannot be started before the receiver's port is known. Requests that arrive before
// `startReceiver` adopts the server (none in practice: the build is started after) are held
// and handed to the receiver then.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The receiver's server settings (src/receiver/index.ts creates its servers with them). */
export const SERVER_OPTIONS = { requestTimeout: 120_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 } as const;

export interface EarlyServer {
  server: Server;
  /** Requests that arrived before a receiver adopted the server. */
  held: [IncomingMessage, ServerResponse][];
  /** The listener that holds them; the receiver removes it. */
  hold: (req: IncomingMessage, res: ServerResponse) => void;
}

/** A server listening on `host`, an ephemeral port; resolves once it listens. */
export function listenEarly(host: string): Promise<EarlyServer> {
  const held: EarlyServer['held'] = [];
  const hold = (req: IncomingMessage, res: ServerResponse): void => void held.push([req, res]);
  const server = createServer(SERVER_OPTIONS, hold);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve({ server, held, hold });
    });
  });
}
