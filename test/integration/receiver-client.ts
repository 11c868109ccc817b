// A tiny HTTP client for the receiver tests: posts a body (buffer or stream) and returns
// status, headers and the full response body. It tolerates the server answering (and
// closing) before the upload is finished, which is how a 413 arrives.
import { request } from 'node:http';
import type { Readable } from 'node:stream';

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function post(
  url: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string | Readable },
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: opts.method ?? 'POST', headers: opts.headers, agent: false });
    let responded = false;
    req.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // EPIPE / ECONNRESET while still uploading are expected once the server has answered.
    req.on('error', (e) => {
      if (!responded) reject(e);
    });
    const body = opts.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', () => req.destroy());
      body.pipe(req);
      req.on('response', () => body.unpipe(req));
    }
  });
}
