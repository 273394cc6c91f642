import { useEffect, useRef, useState } from 'react';

/**
 * A recorded video played as if live: it starts at the position the schedule says, snaps back when
 * someone seeks ahead, and resumes at the live position after a pause. No seek bar, on purpose.
 */
export function SimulivePlayer({ sourceUrl, playbackStartsAt, serverOffsetMs }: { sourceUrl: string; playbackStartsAt: string; serverOffsetMs: number }) {
  const video = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  const [paused, setPaused] = useState(false);
  const [finished, setFinished] = useState(false);
  const livePosition = () => (Date.now() + serverOffsetMs - Date.parse(playbackStartsAt)) / 1000;

  const goLive = () => {
    const v = video.current;
    if (!v) return;
    const at = livePosition();
    if (Number.isFinite(v.duration) && at >= v.duration) {
      setFinished(true);
      v.pause();
      return;
    }
    if (Math.abs(v.currentTime - at) > 1.5) v.currentTime = Math.max(0, at);
  };

  useEffect(() => {
    // drift correction: the player keeps to the schedule even if the tab stalled
    const t = setInterval(() => {
      if (!video.current?.paused) goLive();
    }, 5_000);
    return () => clearInterval(t);
  });

  if (finished) return <div className="live-stream-placeholder">The recording has finished.</div>;
  return (
    <div className="live-player">
      <video
        ref={video}
        src={sourceUrl}
        autoPlay
        muted={muted}
        playsInline
        preload="auto"
        onLoadedMetadata={goLive}
        onSeeking={() => {
          const v = video.current;
          if (v && v.currentTime > livePosition() + 1) v.currentTime = livePosition();
        }}
        onEnded={() => setFinished(true)}
        onPause={() => setPaused(true)}
        onPlay={() => setPaused(false)}
      />
      <div className="live-player-controls">
        <button
          type="button"
          onClick={() => {
            const v = video.current;
            if (!v) return;
            if (v.paused) {
              goLive();
              void v.play();
            } else v.pause();
          }}
        >
          {paused ? 'Play (back to live)' : 'Pause'}
        </button>
        <button type="button" onClick={() => setMuted((m) => !m)} aria-pressed={!muted}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <span className="live-badge" aria-label="Live">
          LIVE
        </span>
      </div>
    </div>
  );
}
