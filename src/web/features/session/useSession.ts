import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { SessionInfo, UserDto } from '../../../contracts/api.js';
import { endpoints, queryKeys } from '../../api/endpoints.js';

/** Who is visiting. Loaded first: the answer also sets the CSRF cookie every later POST needs. */
export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: endpoints.session, staleTime: 60_000 });
}

/** Puts a freshly returned user into the cached session without another round trip. */
export function useSetSessionUser() {
  const qc = useQueryClient();
  return useCallback(
    (user: UserDto | null) =>
      qc.setQueryData<SessionInfo>(queryKeys.session, (prev) => ({
        user,
        guest: user ? null : (prev?.guest ?? null),
        mail: prev?.mail ?? { mode: 'outbox' },
      })),
    [qc],
  );
}
