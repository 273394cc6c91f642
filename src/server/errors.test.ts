import { describe, expect, it } from 'vitest';
import { codeForStatus } from '../contracts/errors.js';
import { AppError } from './errors.js';

describe('AppError', () => {
  it('knows its one wire shape', () => {
    expect(new AppError('link_expired').toWire()).toEqual({ error: { code: 'link_expired', message: 'This link has expired. Ask the media owner for a new link.' } });
    expect(new AppError('validation_failed', { message: 'Bad.', details: { email: 'required' } }).toWire()).toEqual({
      error: { code: 'validation_failed', message: 'Bad.', details: { email: 'required' } },
    });
  });

  it('turns anything thrown into an AppError', () => {
    const own = new AppError('conflict');
    expect(AppError.from(own)).toBe(own);
    const hidden = AppError.from(new Error('connection string postgres://secret'));
    expect(hidden.toWire()).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' } });
    expect(hidden.status).toBe(500);
    expect(AppError.from('a string').code).toBe('internal_error');
    const plugin = Object.assign(new Error('Method not allowed here'), { statusCode: 405 });
    expect(AppError.from(plugin)).toMatchObject({ code: 'validation_failed', status: 405, message: 'Method not allowed here' });
    expect(AppError.from(Object.assign(new Error('nope'), { statusCode: 415 }))).toMatchObject({ code: 'unsupported_content_type', status: 415 });
  });

  it('maps statuses to codes the same way for server and browser', () => {
    expect(codeForStatus(401)).toBe('unauthenticated');
    expect(codeForStatus(413)).toBe('payload_too_large');
    expect(codeForStatus(415)).toBe('unsupported_content_type');
    expect(codeForStatus(429)).toBe('rate_limited');
    expect(codeForStatus(418)).toBe('validation_failed');
    expect(codeForStatus(502)).toBe('internal_error');
  });
});
