/**
 * A bare page that mounts the pipeline's components, served by the real app in the e2e test (the
 * web app's pages mount the same components). `?mode=player|quiz|pdf|results|upload&media=<id>`.
 */
import { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { PdfViewer } from '../../../src/web/features/documents/PdfViewer.js';
import { HlsPlayer, type HlsPlayerHandle } from '../../../src/web/features/player/HlsPlayer.js';
import { QuizPlayer } from '../../../src/web/features/quiz/QuizPlayer.js';
import { QuizResults } from '../../../src/web/features/quiz/QuizResults.js';
import { resumableUpload } from '../../../src/web/features/upload/resumableUpload.js';

function Upload() {
  const [progress, setProgress] = useState('');
  const [result, setResult] = useState('');
  return (
    <div>
      <input
        type="file"
        data-testid="file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          resumableUpload(file, { chunkBytes: 64 * 1024, onProgress: (sent, total) => setProgress(`${sent}/${total}`) })
            .then((r) => setResult(r.mediaId))
            .catch((err) => setResult(`error: ${(err as Error).message}`));
        }}
      />
      <p data-testid="upload-progress">{progress}</p>
      <p data-testid="upload-result">{result}</p>
    </div>
  );
}

function Player({ media }: { media: string }) {
  const ref = useRef<HlsPlayerHandle>(null);
  return <HlsPlayer ref={ref} mediaId={media} title="Harness media" />;
}

const params = new URLSearchParams(location.search);
const media = params.get('media') ?? '';
const mode = params.get('mode');
const view =
  mode === 'quiz' ? <QuizPlayer mediaId={media} title="Harness quiz" />
  : mode === 'pdf' ? <PdfViewer mediaId={media} title="Harness document" />
  : mode === 'results' ? <QuizResults mediaId={media} />
  : mode === 'upload' ? <Upload />
  : <Player media={media} />;
createRoot(document.getElementById('root')!).render(view);
