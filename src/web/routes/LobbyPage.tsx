import { useEffect, useRef, useState } from 'react';
import type { LobbyErrorCode } from '../../contracts/errors.js';
import { Navigate } from 'react-router';
import type { LobbyInfo } from '../../contracts/invites.js';
import { isApiError } from '../api/client.js';
import { LobbyFlow } from '../features/lobby/LobbyFlow.js';
import { LobbyFrame } from '../features/lobby/LobbyFrame.js';
import { OutcomeView } from '../features/lobby/OutcomeView.js';
import { prefetchNextStep } from '../features/lobby/prefetch.js';
import { isDeadEnd } from '../features/lobby/outcomes.js';
import { useEnterLobby, useLobbyInfo } from '../features/lobby/useLobby.js';
import { useSession } from '../features/session/useSession.js';
import { ErrorState } from '../ui/ErrorState.js';
import { LoadingBlock } from '../ui/Spinner.js';

/**
 * Where an invite link lands (the server moved its token into a cookie and redirected here).
 * Already in on this device: straight through. Logged in as the invited, verified address: enters at once.
 * Everyone else: the lobby form.
 */
export function LobbyPage() {
  const info = useLobbyInfo();
  const nextType = info.data && !info.data.alreadyIn ? info.data.media.type : undefined;
  // The next step's code loads while the person types, so entering is instant (docs/web-app.md).
  useEffect(() => (nextType ? prefetchNextStep(nextType) : undefined), [nextType]);

  if (info.isPending) {
    return (
      <LobbyFrame title="Opening your invite" footer={false}>
        <LoadingBlock label="Checking your link…" />
      </LobbyFrame>
    );
  }
  if (info.isError) {
    const err = info.error;
    return (
      <LobbyFrame title="Invite link" footer={false}>
        {isApiError(err) && isDeadEnd(err.code) ? (
          <OutcomeView code={err.code} selfServiceNewLink={false} onCode={() => undefined} />
        ) : (
          <ErrorState error={err} onRetry={() => void info.refetch()} title="Could not open this invite" />
        )}
      </LobbyFrame>
    );
  }
  const data = info.data;
  if (data.alreadyIn) return <Navigate to={data.alreadyIn.url} replace />;
  return (
    <LobbyFrame info={data} title={`Invite: ${data.media.title}`}>
      {data.autoEnter ? <AutoEnter info={data} /> : <LobbyFlow info={data} />}
    </LobbyFrame>
  );
}

/** Logged in with the invited, verified address: no form, the page enters by itself. */
function AutoEnter({ info }: { info: LobbyInfo }) {
  const enter = useEnterLobby(() => undefined);
  const email = useSession().data?.user?.email;
  const [renewRefused, setRenewRefused] = useState<LobbyErrorCode>();
  const started = useRef(false);
  useEffect(() => {
    // Once, even when React runs effects twice in development.
    if (started.current) return;
    started.current = true;
    enter.mutate({});
  }, []);

  if (enter.isError) {
    const err = enter.error;
    if (isApiError(err) && isDeadEnd(err.code)) {
      return (
        <OutcomeView
          code={renewRefused ?? err.code}
          mediaTitle={info.media.title}
          selfServiceNewLink={info.selfServiceNewLink}
          email={email}
          onCode={setRenewRefused}
        />
      );
    }
    return <ErrorState error={err} onRetry={() => enter.mutate({})} title="Could not open this invite" />;
  }
  return <LoadingBlock label="Opening…" />;
}
