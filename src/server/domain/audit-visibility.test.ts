import { describe, expect, it } from 'vitest';
import type { User } from '../db/schema.js';
import { auditScope, MAX_OWNER_AUDIT_MEDIA } from './audit-visibility.js';

const user = (isAdmin: boolean) => ({ id: 'u', is_admin: isAdmin ? 1 : 0 }) as User;

describe('audit visibility', () => {
  it('shows admins the whole log, and nobody else', () => {
    expect(auditScope({ viewer: user(true), adminLog: true, managedMediaIds: [] })).toEqual({ all: true });
    expect(() => auditScope({ viewer: user(false), adminLog: true, managedMediaIds: [] })).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
  it('shows owners the entries of the media they manage only', () => {
    expect(auditScope({ viewer: user(false), adminLog: false, managedMediaIds: ['a', 'b'] })).toEqual({ all: false, mediaIds: ['a', 'b'] });
  });
  it('asks for one item when an owner manages too many to list', () => {
    const many = Array.from({ length: MAX_OWNER_AUDIT_MEDIA + 1 }, (_, i) => `m${i}`);
    expect(() => auditScope({ viewer: user(false), adminLog: false, managedMediaIds: many })).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
