import { domainToASCII } from 'node:url';

/**
 * The one canonical form of an email address, used wherever two addresses are compared:
 * trimmed, Unicode NFC, lower case, with the domain in IDNA ASCII form (UTS #46, non-transitional,
 * so "ß" stays distinct from "ss"). Returns null for anything that is not a plausible address.
 */
export function canonicalEmail(input: string): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim().normalize('NFC');
  if (trimmed.length === 0 || trimmed.length > 320) return null;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at).toLowerCase().normalize('NFC');
  const domain = canonicalDomain(trimmed.slice(at + 1));
  if (!domain) return null;
  if (local.length > 64 || /[\s@<>()[\],;:"\\\p{Cc}]/u.test(local)) return null;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const result = `${local}@${domain}`;
  return result.length <= 254 ? result : null;
}

/** Canonical ASCII form of a domain name, or null when it is not a valid multi-label domain. */
export function canonicalDomain(input: string): string | null {
  const raw = input.trim().normalize('NFC').replace(/\.$/, '');
  if (!raw || /[\s@/\\?#:]/.test(raw)) return null;
  const ascii = domainToASCII(raw.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return null;
  return ascii;
}

/** The domain part of a canonical email. */
export const emailDomain = (canonical: string): string => canonical.slice(canonical.lastIndexOf('@') + 1);

/** True when the domain is the rule's domain or one of its subdomains. Both in canonical form. */
export function domainCoveredBy(domain: string, rule: string): boolean {
  return domain === rule || domain.endsWith(`.${rule}`);
}
