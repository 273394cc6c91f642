import Fastify from 'fastify';
import helmet from 'helmet';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { registerSecurityHeaders, securityHeaders } from './security-headers.js';

const options = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], objectSrc: ["'none'"] } },
  crossOriginEmbedderPolicy: false,
  referrerPolicy: { policy: 'same-origin' as const },
  strictTransportSecurity: false,
};

/** What helmet's own middleware sets on a real Node response, read back by a real client. */
async function helmetOnNode(): Promise<Record<string, string>> {
  const mw = helmet(options);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => mw(req, res, () => res.end('x')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    const out: Record<string, string> = {};
    for (const [k, v] of res.headers) if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) out[k] = v;
    return out;
  } finally {
    server.close();
  }
}

describe('security headers worked out once', () => {
  it('are exactly the headers helmet sets for the same options', async () => {
    const once = Object.fromEntries(Object.entries(securityHeaders(options)).map(([k, v]) => [k.toLowerCase(), v]));
    expect(once).toEqual(await helmetOnNode());
    expect(once['content-security-policy']).toBe("default-src 'self';img-src 'self' data:;object-src 'none'");
    expect(once['strict-transport-security']).toBeUndefined();
  });

  it('go on every response: a route, a 404, an error', async () => {
    const app = Fastify();
    const headers = registerSecurityHeaders(app, options);
    app.get('/ok', async () => ({ ok: true }));
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    for (const url of ['/ok', '/nothing-here', '/boom']) {
      const res = await app.inject({ url });
      for (const [k, v] of Object.entries(headers)) expect(res.headers[k.toLowerCase()], `${url} ${k}`).toBe(v);
    }
    await app.close();
  });

  it('refuses a directive that depends on the request (it could not be worked out once)', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { useDefaults: false, directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } } })).toThrow(/depends on the request/);
  });
});
