import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LiveStreamStatusDto, WebcastMimeType } from '../../../contracts/live-video.js';
import { Alert } from '../../ui/Alert.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { SelectField } from '../../ui/Field.js';
import { fetchLivePlayback, socketUrlFor } from './liveApi.js';
import { livePlaybackKey } from './useLivePlayback.js';
import { pickMimeType, WebcastPublisher, type PublisherState } from './webcastPublisher.js';

export interface GoLivePanelProps {
  /** The room's `stream.playbackUrl`: its answer says whether this person may broadcast, and where the ingest is. */
  playbackUrl: string;
  /** The stream's status, as the room says it. */
  status: LiveStreamStatusDto;
  /** Owners may take over from whoever is broadcasting. */
  isOwner: boolean;
  /** This person's name in the room (to tell their own interrupted broadcast from someone else's). */
  youName: string;
}

type Setup = { kind: 'off' } | { kind: 'asking' } | { kind: 'on' } | { kind: 'error'; message: string };

const STOP_CONFIRM = 'Viewers see it has ended; the recording is made from what was broadcast.';
/** Codes after which "Try again" can help. */
const retryable = new Set(['network_error', 'live_capacity', 'event_not_started', 'stream_unreadable', 'stream_busy', 'payload_too_large', 'codec_unsupported']);

const videoConstraints = (deviceId?: string): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
});
const audioConstraints = (deviceId?: string): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  echoCancellation: true,
  noiseSuppression: true,
});

function mediaErrorMessage(err: unknown): string {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'The browser was not allowed to use the camera and microphone. Allow them for this site (the icon in the address bar), then try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera or microphone was found. Connect one, or share your screen instead.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The camera or microphone is in use by another program, or could not start. Close other programs that use it and try again.';
  return 'The camera and microphone could not be started.';
}

/** Microphone loudness, 0–1, on a decibel scale (−60 dB … 0 dB). */
function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length);
  const db = 20 * Math.log10(rms || 1e-8);
  return Math.max(0, Math.min(1, (db + 60) / 60));
}

const phaseLabel: Partial<Record<PublisherState['phase'], string>> = {
  connecting: 'Connecting…',
  live: 'You are live',
  paused: 'Paused — viewers see that you paused',
  reconnecting: 'Reconnecting…',
  switching: 'Switching the video source…',
  stopping: 'Ending the broadcast…',
  stopped: 'The broadcast has ended. The recording is made from what was broadcast.',
};

/**
 * "Go live" for owners and speakers of a webcast: camera and microphone pickers, a muted preview, a
 * microphone level meter, screen share instead of the camera (the microphone stays), and Start /
 * Pause / Resume / Stop. The bytes go through `WebcastPublisher` (MediaRecorder → ingest socket).
 */
export function GoLivePanel({ playbackUrl, status, isOwner, youName }: GoLivePanelProps) {
  const playback = useQuery({ queryKey: livePlaybackKey(playbackUrl), queryFn: ({ signal }) => fetchLivePlayback(playbackUrl, signal), staleTime: Infinity });
  const [mimeType] = useState<WebcastMimeType | null>(() => (typeof MediaRecorder === 'undefined' ? null : pickMimeType((t) => MediaRecorder.isTypeSupported(t))));
  const hasMediaDevices = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  const canShareScreen = hasMediaDevices && typeof navigator.mediaDevices.getDisplayMedia === 'function';

  const [setup, setSetup] = useState<Setup>({ kind: 'off' });
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState('');
  const [micId, setMicId] = useState('');
  const [sharing, setSharing] = useState(false);
  const [level, setLevel] = useState(0);
  const [pub, setPub] = useState<PublisherState>({ phase: 'idle', congested: false });
  const [confirmStop, setConfirmStop] = useState(false);
  const [sourceError, setSourceError] = useState<string>();

  const camera = useRef<MediaStreamTrack | null>(null);
  const mic = useRef<MediaStreamTrack | null>(null);
  const screen = useRef<MediaStreamTrack | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const audio = useRef<{ ctx: AudioContext; analyser: AnalyserNode; source?: MediaStreamAudioSourceNode } | null>(null);
  const publisher = useRef<WebcastPublisher | null>(null);

  /** What is recorded now: the screen or the camera, and the microphone. */
  const currentStream = useCallback(() => new MediaStream([screen.current ?? camera.current, mic.current].filter((t): t is MediaStreamTrack => t !== null)), []);

  const showPreview = useCallback(() => {
    const video = screen.current ?? camera.current;
    if (preview.current) preview.current.srcObject = video ? new MediaStream([video]) : null;
  }, []);

  const listenToMic = useCallback(() => {
    const a = audio.current;
    if (!a) return;
    a.source?.disconnect();
    a.source = mic.current ? a.ctx.createMediaStreamSource(new MediaStream([mic.current])) : undefined;
    a.source?.connect(a.analyser);
  }, []);

  const refreshDevices = useCallback(async () => {
    const all = await navigator.mediaDevices.enumerateDevices();
    setCameras(all.filter((d) => d.kind === 'videoinput'));
    setMics(all.filter((d) => d.kind === 'audioinput'));
  }, []);

  /** Camera and microphone on (the browser asks for permission; device names show after it). */
  const turnOn = async () => {
    setSetup({ kind: 'asking' });
    setSourceError(undefined);
    let stream: MediaStream | undefined;
    let firstError: unknown;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(), audio: audioConstraints() });
    } catch (err) {
      firstError = err;
      // one of the two may be missing: take what there is
      for (const constraints of [{ audio: audioConstraints() }, { video: videoConstraints() }]) {
        try {
          stream = await navigator.mediaDevices.getUserMedia(constraints);
          break;
        } catch {
          // try the other
        }
      }
    }
    if (!stream) {
      setSetup({ kind: 'error', message: mediaErrorMessage(firstError) });
      return;
    }
    camera.current = stream.getVideoTracks()[0] ?? null;
    mic.current = stream.getAudioTracks()[0] ?? null;
    setCameraId(camera.current?.getSettings().deviceId ?? '');
    setMicId(mic.current?.getSettings().deviceId ?? '');
    if (!audio.current) {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      audio.current = { ctx, analyser };
    }
    listenToMic();
    setSetup({ kind: 'on' });
    await refreshDevices().catch(() => undefined);
  };

  // the preview follows the chosen source once the panel shows it
  useEffect(() => {
    if (setup.kind === 'on') showPreview();
  }, [setup.kind, sharing, cameraId, showPreview]);

  // the level meter, ten times a second
  useEffect(() => {
    if (setup.kind !== 'on') return;
    const samples = new Float32Array(1024);
    const t = setInterval(() => {
      const a = audio.current;
      if (!a?.source) return setLevel(0);
      a.analyser.getFloatTimeDomainData(samples);
      setLevel(Math.round(levelOf(samples) * 100) / 100);
    }, 100);
    return () => clearInterval(t);
  }, [setup.kind]);

  // devices plugged in or out
  useEffect(() => {
    if (setup.kind !== 'on') return;
    const onChange = () => void refreshDevices().catch(() => undefined);
    navigator.mediaDevices.addEventListener('devicechange', onChange);
    return () => navigator.mediaDevices.removeEventListener('devicechange', onChange);
  }, [setup.kind, refreshDevices]);

  // the room's view of the stream (reconnect window, ended while away) reaches the publisher
  useEffect(() => publisher.current?.streamStatus(status), [status]);

  const live = ['connecting', 'live', 'paused', 'reconnecting', 'switching', 'stopping'].includes(pub.phase);

  // leaving while broadcasting: the browser asks first
  useEffect(() => {
    if (!live) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [live]);

  const releaseDevices = useCallback(() => {
    for (const t of [camera.current, mic.current, screen.current]) t?.stop();
    camera.current = mic.current = screen.current = null;
    audio.current?.source?.disconnect();
    void audio.current?.ctx.close().catch(() => undefined);
    audio.current = null;
  }, []);

  // unmount: the socket closes without stop (a drop: the speaker may come back), the camera goes off
  useEffect(
    () => () => {
      publisher.current?.dispose();
      publisher.current = null;
      releaseDevices();
    },
    [releaseDevices],
  );

  // after the broadcast is over the camera is not needed any more
  useEffect(() => {
    if (pub.phase !== 'stopped') return;
    releaseDevices();
    setSetup({ kind: 'off' });
  }, [pub.phase, releaseDevices]);

  const chooseCamera = async (id: string) => {
    setSourceError(undefined);
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: videoConstraints(id) });
      camera.current?.stop();
      camera.current = s.getVideoTracks()[0] ?? null;
      setCameraId(id);
      if (!screen.current) publisher.current?.renew();
    } catch (err) {
      setSourceError(mediaErrorMessage(err));
    }
  };

  const chooseMic = async (id: string) => {
    setSourceError(undefined);
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints(id) });
      mic.current?.stop();
      mic.current = s.getAudioTracks()[0] ?? null;
      setMicId(id);
      listenToMic();
      publisher.current?.renew();
    } catch (err) {
      setSourceError(mediaErrorMessage(err));
    }
  };

  const stopSharing = () => {
    screen.current?.stop();
    screen.current = null;
    setSharing(false);
    publisher.current?.renew();
  };

  const shareScreen = async () => {
    setSourceError(undefined);
    try {
      const s = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 30 } }, audio: false });
      const track = s.getVideoTracks()[0];
      if (!track) return;
      screen.current?.stop();
      screen.current = track;
      // the browser's own "Stop sharing" bar ends the track: back to the camera
      track.addEventListener('ended', () => {
        if (screen.current === track) stopSharing();
      });
      setSharing(true);
      publisher.current?.renew();
    } catch (err) {
      if ((err as { name?: string }).name !== 'NotAllowedError') setSourceError('The screen could not be shared.');
    }
  };

  const start = (takeover = false) => {
    const ingestUrl = playback.data?.ingestUrl;
    if (!ingestUrl || !mimeType) return;
    let p = publisher.current;
    if (!p) {
      p = new WebcastPublisher({ url: socketUrlFor(ingestUrl), mimeType, stream: currentStream, isOwner, onChange: setPub });
      publisher.current = p;
    }
    p.start({ takeover });
  };

  const data = playback.data;
  if (!data || !data.canBroadcast || !data.ingestUrl) return null;

  const heading = (
    <h2 className="live-golive-title" id="live-golive-title">
      Go live
    </h2>
  );
  if (!mimeType || !hasMediaDevices) {
    return (
      <section className="live-golive" aria-labelledby="live-golive-title">
        {heading}
        <Alert tone="warning" title="This browser cannot broadcast">
          {!hasMediaDevices
            ? 'It gives this page no access to a camera or microphone (that needs a secure https connection and a browser that supports it).'
            : 'It has no video recorder Foyer can use (MediaRecorder with WebM video). Use a recent Chrome, Edge or Firefox on a computer.'}
        </Alert>
      </section>
    );
  }

  const someoneElse = (status.state === 'live' || status.state === 'paused' || status.state === 'reconnecting') && pub.phase === 'idle';
  const mine = someoneElse && status.publisherName === youName;
  const over = status.state === 'ended' && !live;
  const hasVideo = setup.kind === 'on' && (sharing || camera.current !== null);

  return (
    <section className="live-golive" aria-labelledby="live-golive-title" data-phase={pub.phase}>
      <div className="live-golive-head">
        {heading}
        {phaseLabel[pub.phase] && (
          <span className={`live-golive-state live-golive-state-${pub.phase}`} role="status">
            {phaseLabel[pub.phase]}
          </span>
        )}
      </div>

      {over ? (
        <p className="live-note" role="status">
          The broadcast of this event has ended; it cannot go live again.
        </p>
      ) : (
        <>
          {someoneElse && (
            <p className="live-note" role="status">
              {mine
                ? 'Your broadcast was interrupted. Go live again to continue it — viewers see the same stream and the recording stays one video.'
                : `${status.publisherName ?? 'Someone else'} is broadcasting now.${isOwner ? ' As an owner you may take over.' : ''}`}
            </p>
          )}
          {setup.kind !== 'on' ? (
            <div className="live-golive-setup">
              <button type="button" onClick={() => void turnOn()} disabled={setup.kind === 'asking'}>
                {setup.kind === 'asking' ? 'Asking for the camera…' : 'Turn on camera and microphone'}
              </button>
              {setup.kind === 'error' && <Alert tone="error">{setup.message}</Alert>}
            </div>
          ) : (
            <div className="live-golive-body">
              <div className="live-golive-preview">
                <video ref={preview} muted autoPlay playsInline aria-label="Your preview (what viewers see)" data-testid="golive-preview" />
                <meter className="live-golive-meter" min={0} max={1} low={0.15} high={0.9} optimum={0.5} value={level} aria-label="Microphone level" />
              </div>
              <div className="live-golive-controls">
                <SelectField label="Camera" value={cameraId} onChange={(e) => void chooseCamera(e.target.value)} disabled={sharing || cameras.length === 0}>
                  {cameras.length === 0 && <option value="">No camera</option>}
                  {cameras.map((d, i) => (
                    <option key={d.deviceId || i} value={d.deviceId}>
                      {d.label || `Camera ${i + 1}`}
                    </option>
                  ))}
                </SelectField>
                <SelectField label="Microphone" value={micId} onChange={(e) => void chooseMic(e.target.value)} disabled={mics.length === 0}>
                  {mics.length === 0 && <option value="">No microphone</option>}
                  {mics.map((d, i) => (
                    <option key={d.deviceId || i} value={d.deviceId}>
                      {d.label || `Microphone ${i + 1}`}
                    </option>
                  ))}
                </SelectField>
                {canShareScreen &&
                  (sharing ? (
                    <button type="button" onClick={stopSharing}>
                      Stop sharing (use the camera)
                    </button>
                  ) : (
                    <button type="button" onClick={() => void shareScreen()}>
                      Share screen
                    </button>
                  ))}
                {sourceError && <p className="live-error" role="alert">{sourceError}</p>}
              </div>
            </div>
          )}

          {pub.phase === 'failed' && pub.error && (
            <Alert
              tone="error"
              actions={
                <>
                  {pub.error.canTakeOver && (
                    <button type="button" onClick={() => start(true)}>
                      Take over
                    </button>
                  )}
                  {retryable.has(pub.error.code) && hasVideo && (
                    <button type="button" onClick={() => start()}>
                      Try again
                    </button>
                  )}
                </>
              }
            >
              {pub.error.message}
            </Alert>
          )}
          {pub.congested && (
            <p className="live-note" role="status">
              Your upload is falling behind: viewers may see the picture late. Close other uploads or move closer to the Wi-Fi.
            </p>
          )}

          <div className="live-golive-actions">
            {pub.phase === 'idle' &&
              (someoneElse && !mine && isOwner ? (
                <button type="button" className="live-golive-start" disabled={!hasVideo} onClick={() => start(true)}>
                  Take over
                </button>
              ) : (
                <button type="button" className="live-golive-start" disabled={!hasVideo} onClick={() => start()}>
                  Go live
                </button>
              ))}
            {pub.phase === 'connecting' && (
              <button type="button" onClick={() => void publisher.current?.stop()}>
                Cancel
              </button>
            )}
            {pub.phase === 'live' && (
              <button type="button" onClick={() => publisher.current?.pause()}>
                Pause
              </button>
            )}
            {pub.phase === 'paused' && (
              <button type="button" onClick={() => publisher.current?.resume()}>
                Resume
              </button>
            )}
            {['live', 'paused', 'reconnecting', 'switching'].includes(pub.phase) && (
              <button type="button" className="live-golive-stop" onClick={() => setConfirmStop(true)}>
                Stop
              </button>
            )}
            {setup.kind === 'on' && !hasVideo && pub.phase === 'idle' && <span className="live-note">Turn on a camera or share your screen to go live.</span>}
          </div>
        </>
      )}

      <ConfirmDialog
        open={confirmStop}
        onCancel={() => setConfirmStop(false)}
        title="End the broadcast?"
        description={STOP_CONFIRM}
        cancelLabel="Keep broadcasting"
        confirmLabel="End broadcast"
        onConfirm={() => {
          setConfirmStop(false);
          void publisher.current?.stop();
        }}
      />
    </section>
  );
}
