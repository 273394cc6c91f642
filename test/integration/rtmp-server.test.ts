import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nmsContext from 'node-media-server/src/node_core_ctx.js';
import { startRtmpServer, type RtmpServer } from '../../src/server/adapters/rtmp/rtmp-server.js';
import { AppError } from '../../src/server/errors.js';
import { createTestApp, signUp, type TestApp } from '../factories/app.js';
import { createEvent } from '../factories/live.js';
import { captureLogs } from '../factories/logs.js';
import { externalAddress, killEncoders, probeRtmp, pushTestPattern, RecordingPublishing, type BeginCall } from '../factories/rtmp.js';
import { waitFor } from '../factories/wait.js';

/**
 * The RTMP listener (node-media-server's RTMP sessions) with real encoders (ffmpeg), real stream keys
 * (StreamKeyService over a test database) and a recording stand-in for the live stream service, so each
 * test can see exactly what the listener asks it and when.
 */
describe('RTMP listener', () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let rtmp: RtmpServer;
  let publishing: RecordingPublishing;
  const logs = captureLogs('debug');

  beforeAll(async () => {
    t = await createTestApp();
    owner = await signUp(t);
    publishing = new RecordingPublishing();
    rtmp = await startRtmpServer({ port: 0, host: '0.0.0.0', publishing, eventForKey: (k) => t.services.streamKeys.eventForKey(k), logger: logs.logger });
  });
  /** node-media-server's own word that it accepted a publish (its `postPublish` event), in `publishing.order`. */
  const onPostPublish = () => publishing.order.push('postPublish');
  beforeAll(() => {
    nmsContext.nodeEvent.on('postPublish', onPostPublish);
  });
  afterEach(async () => {
    await killEncoders();
    publishing.refuse = undefined;
    publishing.stale = false;
    publishing.hold = undefined;
    publishing.order.length = 0;
  });
  afterAll(async () => {
    nmsContext.nodeEvent.off('postPublish', onPostPublish);
    await rtmp?.close();
    await t?.close();
  });

  const diyEvent = async () => {
    const id = (await createEvent(t, owner.agent, { kind: 'diy_live' })).event.id;
    return { id, key: await newKey(id) };
  };
  const newKey = async (id: string) => (await owner.agent.post(`/api/events/${id}/stream-key`)).json().streamKey as string;
  const publishUrl = (key: string) => `rtmp://127.0.0.1:${rtmp.port}/live/${key}`;
  const callsFor = (id: string) => publishing.calls.filter((c) => c.mediaId === id);
  /** The encoder's publish was accepted: the packager's URL plays its video and sound. */
  const accepted = async (id: string, n = 1): Promise<BeginCall> => {
    const call = await waitFor(() => callsFor(id).filter((c) => c.publication)[n - 1], { what: `accepted publish #${n}` });
    const probe = await probeRtmp(RecordingPublishing.urlOf(call));
    expect(probe).toMatchObject({ ok: true });
    if (probe.ok) expect(probe.streams.map((s) => [s.codec_name, s.width ?? null, s.height ?? null]).sort()).toEqual([['aac', null, null], ['h264', 640, 360]]);
    return call;
  };
  const noKeyLogged = (...keys: string[]) => {
    const all = JSON.stringify(logs.lines);
    for (const key of keys) expect(all).not.toContain(key);
  };

  it('accepts a valid key: begins the stream as `rtmp` with a loopback play URL that never shows the key', async () => {
    const { id, key } = await diyEvent();
    // the live stream service takes its time: node-media-server must not accept the publish meanwhile
    let answer!: () => void;
    publishing.hold = () => new Promise<void>((resolve) => (answer = resolve));
    const encoder = pushTestPattern(publishUrl(key));
    await waitFor(() => publishing.order.includes('begin'), { what: 'begin' });
    expect(publishing.order).toEqual(['begin']);
    answer();
    const call = await accepted(id);
    expect(publishing.order).toEqual(['begin', 'answered', 'postPublish']);
    expect(call.publisher).toEqual({ source: 'rtmp', personKey: 'key', name: null, takeover: false });
    const url = new URL(RecordingPublishing.urlOf(call));
    expect(url.protocol).toBe('rtmp:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).toBe(String(rtmp.port));
    expect(url.pathname).toMatch(/^\/live\/[A-Za-z0-9_-]+$/);
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(url.href).not.toContain(key);
    expect(callsFor(id)).toHaveLength(1);
    expect(encoder.proc.exitCode).toBeNull();
    expect(logs.lines.some((l) => l.msg === 'RTMP publish accepted' && l.mediaId === id)).toBe(true);
    noKeyLogged(key);
  });

  it('refuses a wrong key before anything is published; the encoder exits with the reason; the warning has no key', async () => {
    const { id, key } = await diyEvent();
    const wrong = `${key.slice(0, -4)}AAAA`;
    const from = logs.lines.length;
    const encoder = pushTestPattern(publishUrl(wrong));
    const { code, stderr } = await encoder.exited;
    expect(code).not.toBe(0);
    expect(stderr).toContain('This stream key is not valid');
    expect(callsFor(id)).toHaveLength(0);
    expect(publishing.order).toEqual([]);
    const warning = logs.lines.slice(from).find((l) => l.level === 40);
    expect(warning).toMatchObject({ msg: 'RTMP publish refused: not a valid stream key', remote: expect.stringMatching(/127\.0\.0\.1$/) });
    // a key-shaped path of any other app is no key either
    const other = pushTestPattern(`rtmp://127.0.0.1:${rtmp.port}/other/${key}`);
    expect((await other.exited).code).not.toBe(0);
    expect(callsFor(id)).toHaveLength(0);
    noKeyLogged(wrong, key);
  });

  it('refuses what the live stream service refuses (event not open yet), logged with the event and the code', async () => {
    const { id, key } = await diyEvent();
    publishing.refuse = new AppError('event_not_started', { message: 'The room opens for speakers at 10:45.' });
    const from = logs.lines.length;
    const encoder = pushTestPattern(publishUrl(key));
    const { code, stderr } = await encoder.exited;
    expect(code).not.toBe(0);
    expect(stderr).toContain('The room opens for speakers at 10:45.');
    const [call] = callsFor(id);
    expect(call.refusal?.code).toBe('event_not_started');
    expect(publishing.order).toEqual(['begin', 'refused']);
    // nothing was published: the URL the packager was given does not play
    expect(await probeRtmp(RecordingPublishing.urlOf(call), 5000)).toMatchObject({ ok: false });
    expect(logs.lines.slice(from).find((l) => l.level === 40 && l.msg === 'RTMP publish refused')).toMatchObject({ mediaId: id, code: 'event_not_started', remote: expect.stringMatching(/127\.0\.0\.1$/) });
    noKeyLogged(key);
  });

  it('drops the publication when the encoder goes away; its play URL stops working', async () => {
    const { id, key } = await diyEvent();
    const encoder = pushTestPattern(publishUrl(key));
    const call = await accepted(id);
    encoder.kill('SIGKILL');
    await waitFor(() => call.publication!.dropped > 0, { what: 'the drop' });
    expect(call.publication!.dropped).toBe(1);
    expect(call.publication!.stopped).toBe(0);
    expect(await probeRtmp(RecordingPublishing.urlOf(call), 5000)).toMatchObject({ ok: false });
  });

  it('closes the encoder connection when the live stream service ends the publication', async () => {
    const { id, key } = await diyEvent();
    const encoder = pushTestPattern(publishUrl(key));
    const call = await accepted(id);
    call.publication!.end({ reason: 'event_ended', code: 'event_ended', message: 'This event has ended.' });
    const { code, signal } = await encoder.exited;
    expect(signal).toBeNull();
    expect(code).not.toBe(0);
    // ended by the service: not a drop
    expect(call.publication!.dropped).toBe(0);
  });

  it('lets the encoder reconnect while its old connection is stale (ending that one); refuses a second encoder while the first is alive', async () => {
    const { id, key } = await diyEvent();
    const first = pushTestPattern(publishUrl(key));
    const one = await accepted(id);
    // The first encoder freezes (its TCP connection stays open, nothing comes): what a network loss looks like.
    first.proc.kill('SIGSTOP');
    publishing.stale = true;
    const second = pushTestPattern(publishUrl(key));
    const two = await accepted(id, 2);
    expect(one.publication!.dropped).toBe(1);
    expect(callsFor(id)).toHaveLength(2);
    expect(await probeRtmp(RecordingPublishing.urlOf(one), 5000)).toMatchObject({ ok: false });

    // Now a third encoder with the same key while the second is alive: the live stream service says busy.
    publishing.stale = false;
    const third = pushTestPattern(publishUrl(key));
    const { code, stderr } = await third.exited;
    expect(code).not.toBe(0);
    expect(stderr).toContain('Someone else is broadcasting');
    expect(callsFor(id)[2].refusal?.code).toBe('stream_busy');
    expect(two.publication!.active).toBe(true);
    expect(second.proc.exitCode).toBeNull();
    expect((await probeRtmp(RecordingPublishing.urlOf(two))).ok).toBe(true);
  });

  it('after a new key, a live encoder with the old one goes on, but cannot reconnect with it', async () => {
    const { id, key: oldKey } = await diyEvent();
    const encoder = pushTestPattern(publishUrl(oldKey));
    const call = await accepted(id);
    const newerKey = await newKey(id);
    expect((await probeRtmp(RecordingPublishing.urlOf(call))).ok).toBe(true);
    expect(call.publication!.active).toBe(true);
    encoder.kill('SIGKILL');
    await waitFor(() => call.publication!.dropped > 0, { what: 'the drop' });
    const again = pushTestPattern(publishUrl(oldKey));
    expect((await again.exited).stderr).toContain('This stream key is not valid');
    expect(callsFor(id)).toHaveLength(1);
    pushTestPattern(publishUrl(newerKey));
    await accepted(id, 2);
    noKeyLogged(oldKey, newerKey);
  });

  it('plays only to the packager: loopback with the publication token', async () => {
    const { id, key } = await diyEvent();
    pushTestPattern(publishUrl(key));
    const call = await accepted(id);
    const url = new URL(RecordingPublishing.urlOf(call));
    const bare = `rtmp://127.0.0.1:${rtmp.port}${url.pathname}`;
    const from = logs.lines.length;
    expect(await probeRtmp(bare, 5000)).toMatchObject({ ok: false });
    expect(await probeRtmp(`${bare}?token=${'x'.repeat(43)}`, 5000)).toMatchObject({ ok: false });
    // someone who knows the key cannot watch the stream by it
    expect(await probeRtmp(publishUrl(key), 5000)).toMatchObject({ ok: false });
    expect(logs.lines.slice(from).filter((l) => l.msg === 'RTMP play refused: only the packager may play')).toHaveLength(3);
    noKeyLogged(key, url.searchParams.get('token')!);
  });

  const outside = externalAddress();
  it.skipIf(!outside)('refuses a play from another address, even with the right token', async () => {
    const { id, key } = await diyEvent();
    pushTestPattern(publishUrl(key));
    const call = await accepted(id);
    const url = new URL(RecordingPublishing.urlOf(call));
    url.hostname = outside!;
    const refused = await probeRtmp(url.href, 5000);
    expect(refused).toMatchObject({ ok: false });
    if (!refused.ok) expect(refused.error).toContain('Playing is not available');
  });

  it.skipIf(!outside)('bound to one outside address, still lets the packager pull over loopback', async () => {
    const own = new RecordingPublishing();
    const server = await startRtmpServer({ port: 0, host: outside!, publishing: own, eventForKey: (k) => t.services.streamKeys.eventForKey(k), logger: captureLogs().logger });
    try {
      const { id, key } = await diyEvent();
      pushTestPattern(`rtmp://${outside}:${server.port}/live/${key}`);
      const call = await waitFor(() => own.calls.find((c) => c.mediaId === id && c.publication), { what: 'accepted' });
      const url = new URL(RecordingPublishing.urlOf(call));
      expect(url.hostname).toBe('127.0.0.1');
      const probe = await probeRtmp(url.href);
      expect(probe).toMatchObject({ ok: true });
      url.hostname = outside!;
      expect(await probeRtmp(url.href, 5000)).toMatchObject({ ok: false });
    } finally {
      await killEncoders();
      await server.close();
    }
  });

  it('close() stops listening and drops what is live', async () => {
    const logs2 = captureLogs('debug');
    const own = new RecordingPublishing();
    const server = await startRtmpServer({ port: 0, publishing: own, eventForKey: (k) => t.services.streamKeys.eventForKey(k), logger: logs2.logger });
    const { id, key } = await diyEvent();
    const encoder = pushTestPattern(`rtmp://127.0.0.1:${server.port}/live/${key}`);
    const call = await waitFor(() => own.calls.find((c) => c.mediaId === id && c.publication), { what: 'accepted' });
    await server.close();
    expect(call.publication!.dropped).toBe(1);
    expect((await encoder.exited).signal).toBeNull();
    const late = pushTestPattern(`rtmp://127.0.0.1:${server.port}/live/${key}`);
    expect((await late.exited).stderr).toMatch(/Connection refused/i);
  });
});
