import type { MediaTypeDto } from '../../../contracts/api.js';
import { lazyComponent } from '../../lazy-component.js';

/*
 * The viewers, each in its own chunk: hls.js with the player, the quiz player, the PDF viewer (pdf.js
 * itself loads when a document opens). Loaded when a media page shows one, or earlier through
 * `prefetchViewer` (the lobby, while the person types); once loaded they render without suspending.
 */
const player = lazyComponent(() => import('../player/HlsPlayer.js').then((m) => m.HlsPlayer));
const quiz = lazyComponent(() => import('../quiz/QuizPlayer.js').then((m) => m.QuizPlayer));
const pdf = lazyComponent(() => import('../documents/PdfViewer.js').then((m) => m.PdfViewer));

export const HlsPlayer = player.Component;
export const QuizPlayer = quiz.Component;
export const PdfViewer = pdf.Component;

/** Fetches the viewer code a media of this type needs (a document may also be an image: then nothing is needed). */
export function prefetchViewer(type: MediaTypeDto): Promise<unknown> {
  if (type === 'video' || type === 'audio') return player.load();
  if (type === 'quiz') return quiz.load();
  if (type === 'document') return pdf.load();
  return Promise.resolve();
}
