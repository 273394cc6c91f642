import type { PlaybackDto } from '../../../contracts/pipeline.js';

/** Queued, processing with a progress bar, or failed with ffmpeg's reason. */
export function ProcessingStatus({ playback }: { playback: Pick<PlaybackDto, 'status' | 'progress' | 'failureReason'> }) {
  if (playback.status === 'failed') {
    return (
      <div className="player player-status player-failed" role="alert" data-testid="processing-status" data-status="failed">
        <p className="player-status-title">Processing failed</p>
        {playback.failureReason && <p className="player-status-reason">{playback.failureReason}</p>}
      </div>
    );
  }
  const percent = Math.round(playback.progress * 100);
  return (
    <div className="player player-status" data-testid="processing-status" data-status={playback.status}>
      <p className="player-status-title">{playback.status === 'queued' ? 'Waiting to be processed…' : `Processing… ${percent}%`}</p>
      <progress max={100} value={playback.status === 'queued' ? undefined : percent} aria-label="Processing progress" />
    </div>
  );
}
