// Reads a request body with a hard size limit applied to the *decompressed* bytes, while
// streaming: a gzip bomb is cut off after `maxBytes` of output, never inflated in full.
import type { IncomingMessage } from 'node:http';
import type { Gunzip } from 'node:zlib';

// zlib loads with the first gzip body, not with the receiver (whose start the CLI waits for).
const zlib = (): typeof import('node:zlib') => require('node:zlib') as typeof import('node:zlib');

export class BodyTooLarge extends Error {}
/** The body could not be decompressed (corrupt gzip). */
export class BadBodyEncoding extends Error {}
/** The client went away before the body was complete. */
export class ClientGone extends Error {}

/** The receiver is holding too many bytes of unfinished request bodies (see InflightBudget). */
export class ReceiverBusy extends Error {}

/** Bytes held in memory across all bodies being read, shared by a receiver's requests.
 * `take` returns false when taking `n` more would exceed the limit. */
export interface InflightBudget {
  take(n: number): boolean;
  release(n: number): void;
}

export interface ReadBodyOptions {
  maxBytes: number;
  gzip: boolean;
  budget?: InflightBudget;
  onHeld?: (bytes: number) => void;
}

/** The body as the chunks it arrived in (joined by the caller: a sink that hands them to
 * another thread needs no joined copy here). */
export function readBodyChunks(req: IncomingMessage, opts: ReadBodyOptions): Promise<Buffer[]> {
  return new Promise<Buffer[]>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    let gunzip: Gunzip | undefined;

    const finish = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('close', onClose);
      if (err) {
        // Stop inflating and forget what we have; the caller answers and drains the
        // socket (without buffering) or it is already gone.
        if (gunzip) {
          req.unpipe(gunzip);
          gunzip.destroy();
        }
        chunks.length = 0;
        reject(err);
      } else {
        resolve(chunks);
      }
    };
    const onData = (c: Buffer): void => {
      if (settled) return;
      total += c.length;
      if (total > opts.maxBytes) {
        finish(new BodyTooLarge(`body exceeds ${opts.maxBytes} bytes${opts.gzip ? ' after decompression' : ''}`));
        return;
      }
      if (opts.budget && !opts.budget.take(c.length)) {
        finish(new ReceiverBusy('the receiver is holding too many unfinished request bodies; retry later'));
        return;
      }
      // What the caller must give back to the budget once it is done with the body.
      opts.onHeld?.(c.length);
      chunks.push(c);
    };
    const onClose = (): void => {
      if (!req.complete) finish(new ClientGone('client closed the connection before the body was complete'));
    };

    req.on('close', onClose);
    req.on('error', (e) => finish(new ClientGone(e.message)));
    if (opts.gzip) {
      gunzip = zlib().createGunzip();
      gunzip.on('data', onData);
      gunzip.on('end', () => finish(undefined));
      gunzip.on('error', (e) => finish(new BadBodyEncoding(`invalid gzip body: ${e.message}`)));
      req.pipe(gunzip);
    } else {
      req.on('data', onData);
      req.on('end', () => finish(undefined));
    }
  });
}
