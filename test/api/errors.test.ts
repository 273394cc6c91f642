import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Agent, createTestApp, signUp, type TestApp } from '../factories/app.js';
import { wsBase } from '../factories/room-client.js';

/** Every outlet answers in the one wire shape, with a code that matches its status. */
describe('error outlets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('answers a JSON route sent another content type with 415 unsupported_content_type', async () => {
    const agent = new Agent(t.app);
    const res = await agent.request('POST', '/api/auth/login', Buffer.from('email=a@b.c'), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: { code: 'unsupported_content_type', message: expect.stringContaining('application/json') } });
  });

  it('answers a body that is not JSON with 400 validation_failed', async () => {
    const agent = new Agent(t.app);
    const res = await agent.request('POST', '/api/auth/login', Buffer.from('{not json'), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', message: 'The request body is not valid JSON.' });
  });

  it('answers unknown API addresses and unknown pages in the same shape', async () => {
    const api = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'not_found', message: 'No such address: GET /api/nothing-here' } });
  });

  it('answers an address the router cannot read (a broken percent-encoding) in the same shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/media/%ED%A0%80' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'validation_failed', message: 'This address is not valid: it holds a broken percent-encoding.' } });
  });

  it('refuses a room socket at such an address, and lets the server close afterwards', async () => {
    const own = await createTestApp();
    await own.app.listen({ port: 0, host: '127.0.0.1' });
    const { agent } = await signUp(own);
    const refused = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${wsBase(own.app)}/api/events/%ED%A0%80/room`, { headers: { origin: agent.origin, cookie: agent.cookieHeader } });
      ws.once('unexpected-response', (req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode, body });
        });
      });
      ws.once('open', () => reject(new Error('the socket was upgraded')));
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error.code).toBe('validation_failed');
    // the refused upgrade's socket used to stay open, and closing the server waited for it forever
    const closing = own.close().then(() => 'closed');
    expect(await Promise.race([closing, new Promise((r) => setTimeout(() => r('still open after 20 s'), 20_000))])).toBe('closed');
  });
  it('refuses a socket at an address that answers HTTP only (a room path that lost its id, say), before the upgrade', async () => {
    const own = await createTestApp();
    await own.app.listen({ port: 0, host: '127.0.0.1' });
    const { agent } = await signUp(own);
    // "/api/events/./room" is "/api/events/room" once the client normalises it: the event page route, not a socket
    for (const path of ['/api/events/./room', '/api/health', '/api/session']) {
      const refused = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const ws = new WebSocket(`${wsBase(own.app)}${path}`, { headers: { origin: agent.origin, cookie: agent.cookieHeader } });
        ws.once('unexpected-response', (req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode, body });
          });
        });
        ws.once('open', () => reject(new Error(`${path}: the socket was upgraded`)));
        ws.once('error', (err) => {
          if (!String(err.message).startsWith('Unexpected server response')) reject(err);
        });
      });
      expect(refused.status, path).toBe(404);
      expect(JSON.parse(refused.body).error, path).toEqual({ code: 'not_found', message: 'There is no socket at this address.' });
    }
    const closing = own.close().then(() => 'closed');
    expect(await Promise.race([closing, new Promise((r) => setTimeout(() => r('still open after 20 s'), 20_000))])).toBe('closed');
  });
});
