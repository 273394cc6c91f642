import type { Readable } from 'node:stream';

/** Documents larger than this are not opened to count their pages (the card then shows no count). */
export const PAGE_COUNT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The number of pages of a PDF, read with pdf.js (the same library the viewer uses), or null when
 * the file is too large or pdf.js cannot open it. pdf.js is loaded on first use.
 */
export async function countPdfPages(bytes: Readable, size: number): Promise<number | null> {
  if (size > PAGE_COUNT_MAX_BYTES) {
    bytes.destroy();
    return null;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of bytes) chunks.push(chunk as Buffer);
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({ data: new Uint8Array(Buffer.concat(chunks)), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0, stopAtErrors: true });
  try {
    const doc = await task.promise;
    return doc.numPages;
  } catch {
    return null;
  } finally {
    await task.destroy().catch(() => undefined);
  }
}
