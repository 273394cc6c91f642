import { createHash, randomBytes } from 'node:crypto';

/** A fresh secret token: 256 random bits, base64url (43 characters). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** What is stored instead of a token: its SHA-256, base64url. Tokens carry 256 bits, so no salt or slow hash is needed. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const looksLikeToken = (s: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(s);
