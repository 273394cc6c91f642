import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { LobbyEnterResponse } from '../../../contracts/invites.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';

export function useLobbyInfo() {
  // The answer describes this browser's link once; it must not be refetched behind the person's back.
  return useQuery({ queryKey: queryKeys.lobby, queryFn: endpoints.lobby, retry: false, staleTime: Infinity, gcTime: 0 });
}

/** Goes where the lobby says, with the visitor's (rotated) session known to the app before the page shows. */
export function useGoInside() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return async (url: string) => {
    // Access changed: cached media and the session describe the visitor as they were.
    qc.removeQueries({ queryKey: queryKeys.media });
    await qc.fetchQuery({ queryKey: queryKeys.session, queryFn: endpoints.session, staleTime: 0 });
    await navigate(url, { replace: true });
  };
}

/** The lobby's POST: email (and code) in, a session and a landing page out. */
export function useEnterLobby(onCode: (r: Extract<LobbyEnterResponse, { next: 'code' }>) => void) {
  const goInside = useGoInside();
  return useMutation({
    mutationFn: endpoints.lobbyEnter,
    onSuccess: async (r) => {
      if (r.next === 'enter') await goInside(r.url);
      else onCode(r);
    },
  });
}

export function useRequestNewLink() {
  return useMutation({ mutationFn: endpoints.lobbyNewLink });
}
