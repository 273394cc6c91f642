import { describe, expect, it } from 'vitest';
import { roomPersonKey } from './room-person.js';

describe('room person key', () => {
  it('is the account for whoever manages the media, invited or not', () => {
    expect(roomPersonKey({ userId: 'u1', manages: true })).toBe('u:u1');
    expect(roomPersonKey({ userId: 'u1', manages: true, invitedEmail: 'a@example.com' })).toBe('u:u1');
  });

  it('is the invited address for anyone in through an invite, with or without an account', () => {
    expect(roomPersonKey({ manages: false, invitedEmail: 'a@example.com' })).toBe('e:a@example.com');
    expect(roomPersonKey({ userId: 'u1', manages: false, invitedEmail: 'a@example.com' })).toBe('e:a@example.com');
  });

  it('is the account for an account in by another rule, and nobody without either', () => {
    expect(roomPersonKey({ userId: 'u1', manages: false })).toBe('u:u1');
    expect(roomPersonKey({ manages: false })).toBeUndefined();
  });
});
