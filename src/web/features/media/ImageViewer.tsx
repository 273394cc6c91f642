import { useEffect, useState } from 'react';
import { playerApi } from '../player/playerApi.js';

/**
 * An image shown through its signed, short-lived file URL, like every other media byte (docs/delivery.md):
 * the page asks for playback URLs after the access check and shows the picture from there.
 */
export function ImageViewer({ mediaId, alt }: { mediaId: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    playerApi.playback(mediaId).then(
      (pb) => {
        if (!live) return;
        if (pb.fileUrl) setUrl(pb.fileUrl);
        else setError('This image is not available to view.');
      },
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [mediaId]);
  if (error) return <p role="alert">{error}</p>;
  if (!url) return <p role="status">Loading the image…</p>;
  return <img src={url} alt={alt} />;
}
