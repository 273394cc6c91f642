import http from 'node:http';

export interface LoadResult {
  requestsPerSecond: number;
  bytesPerSecond: number;
  non2xx: number;
  errors: number;
}

/**
 * A small keep-alive load generator: `connections` loops, each sending the next GET as soon as the
 * previous body has arrived (bytes counted and dropped, as a player's buffer would take them).
 * Node's own HTTP parser keeps the client cheap next to 1–2 MB bodies.
 */
export async function load(url: string, opts: { connections: number; seconds: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const deadline = performance.now() + opts.seconds * 1000;
  let requests = 0;
  let bytes = 0;
  let non2xx = 0;
  let errors = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent }, (res) => {
        if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          requests++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (performance.now() < deadline) await once();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requestsPerSecond: requests / elapsed, bytesPerSecond: bytes / elapsed, non2xx, errors };
}
