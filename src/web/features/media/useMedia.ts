import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MediaDto, MediaPatchBody } from '../../../contracts/api.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';

/** How often a page asks again while something is still being transcoded. */
export const PROCESSING_POLL_MS = 2_000;
const inFlight = (m: MediaDto) => m.status === 'queued' || m.status === 'processing';

export function useMediaList() {
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.media,
    // Items already cached (e.g. seeded by an upload) follow the list, so opening one never shows an older status.
    queryFn: async () => {
      const list = await endpoints.listMedia();
      for (const media of list.items) {
        qc.setQueryData<{ media: MediaDto; role: string }>(queryKeys.mediaItem(media.id), (prev) => (prev ? { ...prev, media } : prev));
      }
      return list;
    },
    select: (d) => d.items,
    refetchInterval: (q) => (q.state.data?.items.some(inFlight) ? PROCESSING_POLL_MS : false),
  });
}

/** One item; polled while it is queued or processing, so the page turns into the player by itself. */
export function useMediaItem(id: string) {
  return useQuery({
    queryKey: queryKeys.mediaItem(id),
    queryFn: () => endpoints.getMedia(id),
    refetchInterval: (q) => (q.state.data && inFlight(q.state.data.media) ? PROCESSING_POLL_MS : false),
  });
}

/** Keeps the list and the item caches in step after a change. */
function useMediaCache() {
  const qc = useQueryClient();
  return {
    put(media: MediaDto) {
      void qc.invalidateQueries({ queryKey: queryKeys.storage });
      qc.setQueryData<{ media: MediaDto; role: string }>(queryKeys.mediaItem(media.id), (prev) => ({ media, role: prev?.role ?? 'owner' }));
      qc.setQueryData<{ items: MediaDto[] }>(queryKeys.media, (prev) =>
        prev ? { items: prev.items.some((m) => m.id === media.id) ? prev.items.map((m) => (m.id === media.id ? media : m)) : [media, ...prev.items] } : prev,
      );
    },
    /** Drops it from the list; the page showing it removes its own entry once it has navigated away. */
    remove(id: string) {
      void qc.invalidateQueries({ queryKey: queryKeys.storage });
      qc.setQueryData<{ items: MediaDto[] }>(queryKeys.media, (prev) => (prev ? { items: prev.items.filter((m) => m.id !== id) } : prev));
    },
  };
}

export function useUpdateMedia(id: string) {
  const cache = useMediaCache();
  return useMutation({ mutationFn: (body: MediaPatchBody) => endpoints.updateMedia(id, body), onSuccess: ({ media }) => cache.put(media) });
}

export function useDeleteMedia(id: string) {
  const cache = useMediaCache();
  return useMutation({ mutationFn: () => endpoints.deleteMedia(id), onSuccess: () => cache.remove(id) });
}

/** Forgets a deleted item, once nothing on screen observes it any more. */
export function useForgetMedia() {
  const qc = useQueryClient();
  return (id: string) => qc.removeQueries({ queryKey: queryKeys.mediaItem(id), exact: true });
}

/** After an upload: the new item goes to the top of the library at once. */
export function useAddUploadedMedia() {
  const cache = useMediaCache();
  return (media: MediaDto) => cache.put(media);
}

/** What the account's media take and its limit (shown in the library). */
export function useStorage() {
  return useQuery({ queryKey: queryKeys.storage, queryFn: endpoints.storage });
}
