import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { testDialects } from '../factories/database.js';
import { makePdf, multipart } from '../factories/media.js';

const TUS = { 'tus-resumable': '1.0.0' };

/** Issue 14 item 4: an account stores nothing before its email is confirmed (form and tus uploads). */
describe.each(testDialects())('uploads need a confirmed email on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await signUp(t, { name: 'First Admin' });
  });
  afterAll(async () => t?.close());

  it('refuses both upload routes with email_not_verified naming the address, stores nothing, and takes the file once confirmed', async () => {
    const { agent, email, user } = await signUp(t, { verify: false });
    const pdf = makePdf('Before confirming');
    const form = multipart('early.pdf', pdf);
    const refused = await agent.request('POST', '/api/media', form.body, form.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'email_not_verified', message: expect.stringContaining(`the link we sent to ${email}`) });
    const tus = await agent.request('POST', '/api/uploads', undefined, { ...TUS, 'upload-length': String(pdf.length), 'upload-metadata': `filename ${Buffer.from('early.pdf').toString('base64')}` });
    expect(tus.statusCode).toBe(403);
    expect(tus.json().error.code).toBe('email_not_verified');
    expect(readdirSync(t.config.uploadsDir).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect((await agent.get('/api/media')).json().items).toEqual([]);

    await t.db.database.db.updateTable('users').set({ email_verified_at: t.clock.now }).where('id', '=', user.id).execute();
    const again = multipart('early.pdf', pdf);
    expect((await agent.request('POST', '/api/media', again.body, again.headers)).statusCode).toBe(201);
  });
});
