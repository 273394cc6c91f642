import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, createTestApp, signUp, uniqueEmail, type TestApp } from '../factories/app.js';

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)('login rate limit shared through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: 2 });
    a = await createTestApp({ redis });
    b = await createTestApp({ redis });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    redis?.disconnect();
  });

  it('counts attempts made on two server instances together', async () => {
    const email = uniqueEmail('shared');
    await signUp(a, { email });
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const app = i % 2 === 0 ? a : b;
      codes.push((await new Agent(app.app).post('/api/auth/login', { email, password: 'wrong password' })).statusCode);
    }
    // 8 attempts per window in total, whichever instance answers.
    expect(codes.slice(0, 8).every((c) => c === 401)).toBe(true);
    expect(codes.slice(8)).toEqual([429, 429]);

    // The counter is per address and email: someone else logging in from the same address is not blocked.
    const other = uniqueEmail('other');
    await signUp(b, { email: other });
    expect((await new Agent(a.app).post('/api/auth/login', { email: other, password: 'wrong password' })).statusCode).toBe(401);
  });
});
