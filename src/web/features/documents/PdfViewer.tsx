import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { PlaybackDto } from '../../../contracts/pipeline.js';
import { playerApi } from '../player/playerApi.js';
import { findInPages, type PageMatches } from './pdfSearch.js';
import './pdf-viewer.css';

const ZOOM_STEP = 1.25;
const MIN_SCALE = 0.25;
const MAX_SCALE = 5;

/**
 * A PDF shown in the page with pdf.js: pages, zoom, search. The file comes from a short-lived signed
 * inline URL; the worker is loaded from our own origin (CSP worker-src 'self'). When the owner blocks
 * downloads there is no download control and the page cannot be printed from the browser.
 */
export function PdfViewer({ mediaId, title }: { mediaId: string; title: string }) {
  const [playback, setPlayback] = useState<PlaybackDto | null>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [scale, setScale] = useState<number | 'fit'>('fit');
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<PageMatches[] | null>(null);
  const [matchIndex, setMatchIndex] = useState(0);
  const pageTexts = useRef<string[] | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const appliedScale = useRef(1);

  useEffect(() => {
    let cancelled = false;
    let loaded: PDFDocumentProxy | undefined;
    (async () => {
      try {
        const pb = await playerApi.playback(mediaId);
        if (cancelled) return;
        setPlayback(pb);
        if (!pb.fileUrl) throw new Error('This document is not available to view.');
        const pdfjs = await import('pdfjs-dist');
        pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
        loaded = await pdfjs.getDocument({ url: pb.fileUrl, isEvalSupported: false }).promise;
        if (cancelled) return void loaded.destroy();
        setDoc(loaded);
      } catch (err) {
        if (!cancelled) setError(err instanceof Error ? err.message : 'The document could not be opened.');
      }
    })();
    return () => {
      cancelled = true;
      void loaded?.destroy();
    };
  }, [mediaId]);

  // Render the current page (canvas for pixels, text layer for selection and search highlights).
  useEffect(() => {
    if (!doc) return;
    let task: RenderTask | undefined;
    let cancelled = false;
    (async () => {
      const pdfjs = await import('pdfjs-dist');
      const p = await doc.getPage(page);
      const base = p.getViewport({ scale: 1 });
      const frameWidth = frameRef.current?.clientWidth || base.width;
      const s = scale === 'fit' ? Math.max(MIN_SCALE, Math.min(MAX_SCALE, (frameWidth - 16) / base.width)) : scale;
      appliedScale.current = s;
      const viewport = p.getViewport({ scale: s });
      const canvas = canvasRef.current;
      const textLayer = textRef.current;
      if (!canvas || !textLayer || cancelled) return;
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      task = p.render({ canvas, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined });
      await task.promise.catch(() => undefined);
      if (cancelled) return;
      textLayer.replaceChildren();
      textLayer.style.setProperty('--total-scale-factor', String(s));
      textLayer.style.setProperty('--scale-factor', String(s));
      const layer = new pdfjs.TextLayer({ textContentSource: await p.getTextContent(), container: textLayer, viewport });
      await layer.render();
      highlight(textLayer, query);
    })();
    return () => {
      cancelled = true;
      task?.cancel();
    };
    // Highlights follow the query separately below.
  }, [doc, page, scale]);

  useEffect(() => {
    if (textRef.current) highlight(textRef.current, matches ? query : '');
  }, [matches, query, page]);

  const search = async (q: string) => {
    if (!doc || !q.trim()) return setMatches(null);
    if (!pageTexts.current) {
      const texts: string[] = [];
      for (let i = 1; i <= doc.numPages; i++) {
        const content = await (await doc.getPage(i)).getTextContent();
        texts.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
      }
      pageTexts.current = texts;
    }
    const found = findInPages(pageTexts.current, q);
    setMatches(found);
    setMatchIndex(0);
    if (found.length) setPage(found[0].page);
  };

  const stepMatch = (d: number) => {
    if (!matches?.length) return;
    const next = (matchIndex + d + matches.length) % matches.length;
    setMatchIndex(next);
    setPage(matches[next].page);
  };

  const numPages = doc?.numPages ?? 0;
  const go = (p: number) => setPage(Math.max(1, Math.min(numPages || 1, p)));
  const zoom = (factor: number) =>
    setScale((cur) => {
      const from = cur === 'fit' ? appliedScale.current : cur;
      return Math.max(MIN_SCALE, Math.min(MAX_SCALE, from * factor));
    });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target instanceof HTMLInputElement) return;
    if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
      e.preventDefault();
      searchRef.current?.focus();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => go(page + 1),
      PageDown: () => go(page + 1),
      ArrowLeft: () => go(page - 1),
      PageUp: () => go(page - 1),
      Home: () => go(1),
      End: () => go(numPages),
      '+': () => zoom(ZOOM_STEP),
      '=': () => zoom(ZOOM_STEP),
      '-': () => zoom(1 / ZOOM_STEP),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  if (error) return <div className="pdf-viewer pdf-error" role="alert">{error}</div>;
  const totalMatches = matches?.reduce((s, m) => s + m.count, 0) ?? 0;
  return (
    <div className={`pdf-viewer${playback?.blockDownload ? ' pdf-no-print' : ''}`} role="region" aria-label={`Document: ${title}`} tabIndex={0} onKeyDown={onKeyDown} onContextMenu={playback?.downloadUrl ? undefined : (e) => e.preventDefault()}>
      <div className="pdf-toolbar" role="toolbar" aria-label="Document controls">
        <button type="button" onClick={() => go(page - 1)} disabled={page <= 1} aria-label="Previous page">‹</button>
        <span className="pdf-page" data-testid="pdf-page">
          Page{' '}
          <input aria-label="Page number" type="number" min={1} max={numPages || 1} value={page} onChange={(e) => go(Number(e.target.value) || 1)} /> of {numPages || '…'}
        </span>
        <button type="button" onClick={() => go(page + 1)} disabled={page >= numPages} aria-label="Next page">›</button>
        <span className="pdf-sep" />
        <button type="button" onClick={() => zoom(1 / ZOOM_STEP)} aria-label="Zoom out">−</button>
        <button type="button" onClick={() => setScale('fit')} aria-pressed={scale === 'fit'}>
          {scale === 'fit' ? 'Fit width' : `${Math.round(scale * 100)}%`}
        </button>
        <button type="button" onClick={() => zoom(ZOOM_STEP)} aria-label="Zoom in">+</button>
        <span className="pdf-sep" />
        <form
          className="pdf-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            if (matches && matches.length) stepMatch(1);
            else void search(query);
          }}
        >
          <input ref={searchRef} type="search" placeholder="Search" aria-label="Search in document" value={query} onChange={(e) => { setQuery(e.target.value); setMatches(null); }} data-testid="pdf-search" />
          {matches && (
            <span className="pdf-matches" aria-live="polite" data-testid="pdf-matches">
              {totalMatches ? `${totalMatches} found, page ${matches[matchIndex].page}` : 'Not found'}
            </span>
          )}
          {matches && matches.length > 1 && (
            <>
              <button type="button" onClick={() => stepMatch(-1)} aria-label="Previous result">↑</button>
              <button type="button" onClick={() => stepMatch(1)} aria-label="Next result">↓</button>
            </>
          )}
        </form>
        {playback?.downloadUrl && (
          <a className="pdf-download" href={playback.downloadUrl} download>
            Download
          </a>
        )}
      </div>
      <div className="pdf-frame" ref={frameRef}>
        {!doc && <p className="pdf-loading">Opening the document…</p>}
        <div className="pdf-page-box">
          <canvas ref={canvasRef} data-testid="pdf-canvas" />
          <div ref={textRef} className="textLayer" />
        </div>
      </div>
    </div>
  );
}

/** Marks the text-layer spans that contain the query. */
function highlight(layer: HTMLElement, query: string) {
  const q = query.trim().toLocaleLowerCase();
  for (const span of Array.from(layer.querySelectorAll('span'))) {
    span.classList.toggle('pdf-hit', Boolean(q) && (span.textContent ?? '').toLocaleLowerCase().includes(q));
  }
}
