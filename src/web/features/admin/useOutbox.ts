import { useQuery } from '@tanstack/react-query';
import { endpoints, queryKeys } from '../../api/endpoints.js';

/** The outbox refreshes itself while open: mail is sent in the background. */
export function useOutbox() {
  return useQuery({ queryKey: queryKeys.outbox, queryFn: endpoints.outbox, refetchInterval: 5_000 });
}

/** Is email delivery failing (site-wide), refreshed with the outbox. */
export function useAdminMailStatus() {
  return useQuery({ queryKey: queryKeys.adminMailStatus, queryFn: endpoints.adminMailStatus, refetchInterval: 5_000 });
}
