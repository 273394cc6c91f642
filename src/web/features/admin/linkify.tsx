import type { ReactNode } from 'react';

const URL_RE = /https?:\/\/[^\s<>"'\])]+/g;

/** Plain text with every http(s) address turned into a link; nothing else is interpreted. */
export function linkify(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    const start = m.index;
    if (start > last) out.push(text.slice(last, start));
    out.push(
      <a key={start} href={url} rel="noopener noreferrer">
        {url}
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
