import { describe, expect, it } from 'vitest';
import { failureReason, parseProbe, parseProgressSeconds } from './ffmpeg-output.js';

const mp4 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/data/media/x/original.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:01:06.02, start: 0.000000, bitrate: 387 kb/s
    Stream #0:0(und): Video: h264 (Constrained Baseline) (avc1 / 0x31637661), yuv420p, 1280x720 [SAR 1:1 DAR 16:9], 306 kb/s, 30 fps, 30 tbr, 15360 tbn, 60 tbc (default)
    Metadata:
      handler_name    : VideoHandler
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 73 kb/s (default)
At least one output file must be specified`;

describe('parseProbe', () => {
  it('reads duration, video size and audio', () => {
    expect(parseProbe(mp4)).toEqual({ durationSeconds: 66.02, video: { width: 1280, height: 720, codec: 'h264' }, audio: { codec: 'aac' } });
  });

  it('swaps the size of rotated phone video', () => {
    const rotated = mp4.replace('handler_name    : VideoHandler', 'rotate          : 90\n      handler_name    : VideoHandler');
    expect(parseProbe(rotated).video).toMatchObject({ width: 720, height: 1280 });
    const matrix = mp4.replace('handler_name    : VideoHandler', 'handler_name    : VideoHandler\n    Side data:\n      displaymatrix: rotation of -90.00 degrees');
    expect(parseProbe(matrix).video).toMatchObject({ width: 720, height: 1280 });
  });

  it('does not take cover art for video', () => {
    const mp3 = `Input #0, mp3, from 'song.mp3':
  Duration: 00:03:10.50, start: 0.025057, bitrate: 192 kb/s
    Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 192 kb/s
    Stream #0:1: Video: mjpeg, yuvj420p(pc, bt470bg/unknown/unknown), 500x500 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn, 90k tbc (attached pic)`;
    expect(parseProbe(mp3)).toEqual({ durationSeconds: 190.5, video: null, audio: { codec: 'mp3' } });
  });

  it('knows when there is no duration', () => {
    expect(parseProbe('  Duration: N/A, start: 0.000000, bitrate: N/A\n    Stream #0:0: Video: vp8, yuv420p, 640x480, SAR 1:1 DAR 4:3, 30 fps').durationSeconds).toBeNull();
  });
});

describe('parseProgressSeconds', () => {
  it('takes the latest out_time of a chunk', () => {
    expect(parseProgressSeconds('frame=10\nout_time_us=1000000\nprogress=continue\nout_time_us=2500000\nprogress=continue\n')).toBe(2.5);
    expect(parseProgressSeconds('frame=10\n')).toBeUndefined();
  });
});

describe('failureReason', () => {
  it('keeps the error lines, without server paths or demuxer prefixes', () => {
    const stderr = "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x194eeb40] moov atom not found\n/data/media/abc/original.mp4: Invalid data found when processing input\n";
    expect(failureReason(stderr, { paths: [['/data/media/abc/original.mp4', 'holiday.mp4']] })).toBe(
      'moov atom not found; holiday.mp4: Invalid data found when processing input',
    );
  });

  it('says something when ffmpeg said nothing, and stays short', () => {
    expect(failureReason('')).toMatch(/without saying why/);
    expect(failureReason('x'.repeat(2000)).length).toBeLessThanOrEqual(500);
  });
});
