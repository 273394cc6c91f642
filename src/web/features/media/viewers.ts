import { lazy } from 'react';
import type { MediaTypeDto } from '../../../contracts/api.js';

/**
 * The viewers, each in its own chunk: hls.js with the player, the quiz player, the PDF viewer (pdf.js
 * itself loads when a document opens). Loaded when a media page shows one, or earlier through
 * `prefetchViewer` — the same loaders, so a module is fetched once whoever asks first.
 */
const load = {
  player: () => import('../player/HlsPlayer.js'),
  quiz: () => import('../quiz/QuizPlayer.js'),
  pdf: () => import('../documents/PdfViewer.js'),
};

export const HlsPlayer = lazy(() => load.player().then((m) => ({ default: m.HlsPlayer })));
export const QuizPlayer = lazy(() => load.quiz().then((m) => ({ default: m.QuizPlayer })));
export const PdfViewer = lazy(() => load.pdf().then((m) => ({ default: m.PdfViewer })));

/** Fetches the viewer code a media of this type needs (a document may also be an image: then nothing is needed). */
export function prefetchViewer(type: MediaTypeDto): Promise<unknown> {
  if (type === 'video' || type === 'audio') return load.player();
  if (type === 'quiz') return load.quiz();
  if (type === 'document') return load.pdf();
  return Promise.resolve();
}
