import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { LiveStreamState } from '../../../contracts/live-video.js';
import { fetchLivePlayback } from './liveApi.js';
import { nextPlaybackRefreshMs } from './livePlayback.js';

export const livePlaybackKey = (playbackUrl: string) => ['live-playback', playbackUrl] as const;

/**
 * This visitor's live playback answer (signed playlist, may they broadcast, the ingest socket), shared
 * by the player and the Go live panel. Asked again when the stream's status changes, every second
 * while live without a first segment, and before the signature expires. A refusal (invite revoked,
 * event deleted) is an error of this query: the app shows it like any other refused access.
 */
export function useLivePlayback(playbackUrl: string, state: LiveStreamState, serverOffsetMs: number) {
  const query = useQuery({
    queryKey: livePlaybackKey(playbackUrl),
    queryFn: ({ signal }) => fetchLivePlayback(playbackUrl, signal),
    refetchInterval: (q) => (q.state.status === 'error' ? false : nextPlaybackRefreshMs(q.state.data, state, Date.now() + serverOffsetMs)),
    refetchIntervalInBackground: true,
    staleTime: 0,
  });
  const first = useRef(true);
  const { refetch } = query;
  useEffect(() => {
    // the first answer is already on its way; later status changes ask again
    if (first.current) {
      first.current = false;
      return;
    }
    void refetch();
  }, [state, refetch]);
  return query;
}
