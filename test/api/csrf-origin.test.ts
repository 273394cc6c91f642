import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, type TestApp } from '../factories/app.js';

/** The CSRF Origin check compares with PUBLIC_URL's origin only, never with the Host header. */
describe('Origin check', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const signup = (agent: Agent, headers: Record<string, string>) =>
    agent.request('POST', '/api/auth/signup', { email: `o.${Date.now()}.${Math.random()}@example.com`, name: 'Olga', password: 'correct horse battery' }, headers);

  it('refuses a foreign Origin even when the Host header names the same foreign site', async () => {
    const res = await signup(new Agent(t.app, 'http://evil.example'), { host: 'evil.example' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_failed');
  });

  it('refuses an Origin that matches the Host header but not PUBLIC_URL', async () => {
    const res = await signup(new Agent(t.app, 'http://127.0.0.1:3000'), { host: '127.0.0.1:3000' });
    expect(res.json().error.code).toBe('csrf_failed');
  });

  it("accepts the site's own origin", async () => {
    const res = await signup(new Agent(t.app), {});
    expect(res.statusCode).toBe(201);
  });
});
