import type { RoomStreamDto } from '../../../contracts/live.js';
import { SimulivePlayer } from './SimulivePlayer.js';

/** What plays in the room: the simulive video in step with the schedule, or the waiting state for live video. */
export function StreamArea({ stream, serverOffsetMs, phase }: { stream: RoomStreamDto; serverOffsetMs: number; phase: string }) {
  if (stream.kind === 'simulive' && phase === 'live') {
    return <SimulivePlayer sourceUrl={stream.sourceUrl} playbackStartsAt={stream.playbackStartsAt} serverOffsetMs={serverOffsetMs} />;
  }
  return (
    <div className="live-stream-placeholder" role="status">
      {stream.kind === 'placeholder' ? stream.message : 'The video starts when the event opens.'}
    </div>
  );
}
