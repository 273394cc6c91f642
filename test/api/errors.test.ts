import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, type TestApp } from '../factories/app.js';

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
});
