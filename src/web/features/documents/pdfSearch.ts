/** Where a search term occurs in a document: matches per page, in page order. */
export interface PageMatches {
  page: number;
  count: number;
}

/** Counts case-insensitive occurrences of `query` in each page's text (pages numbered from 1). */
export function findInPages(pageTexts: string[], query: string): PageMatches[] {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return [];
  const out: PageMatches[] = [];
  pageTexts.forEach((text, i) => {
    const hay = text.toLocaleLowerCase();
    let count = 0;
    for (let at = hay.indexOf(q); at !== -1; at = hay.indexOf(q, at + q.length)) count++;
    if (count) out.push({ page: i + 1, count });
  });
  return out;
}
