import type { RoomStreamDto } from '../../../contracts/live.js';
import { LivePlayer } from './LivePlayer.js';
import { SimulivePlayer } from './SimulivePlayer.js';

/**
 * What plays in the room: the simulive video in step with the schedule, live video (webcast, DIY
 * live) with its state for every role, or the waiting state.
 */
export function StreamArea({ stream, serverOffsetMs, phase, recordingUrl }: { stream: RoomStreamDto; serverOffsetMs: number; phase: string; recordingUrl?: string | null }) {
  if (stream.kind === 'simulive' && phase === 'live') {
    return <SimulivePlayer sourceUrl={stream.sourceUrl} playbackStartsAt={stream.playbackStartsAt} serverOffsetMs={serverOffsetMs} />;
  }
  if (stream.kind === 'live') {
    return <LivePlayer playbackUrl={stream.playbackUrl} status={stream.status} serverOffsetMs={serverOffsetMs} recordingUrl={recordingUrl} />;
  }
  return (
    <div className="live-stream-placeholder" role="status">
      {stream.kind === 'placeholder' ? stream.message : 'The video starts when the event opens.'}
    </div>
  );
}
