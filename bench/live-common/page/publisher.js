/**
 * The bench's own publisher page (when not driving the real Go live panel), and the recorder of
 * bench/live-cpu's input. `window.BENCH` says what to do with the clock camera (clock-camera.js):
 *
 *   mode 'publish': record it the way the Go live panel does (MediaRecorder `mimeType`,
 *     `videoKeyFrameIntervalDuration`, `start(chunkMs)`) and send it over the ingest socket:
 *     `start`, wait for `ready`, then each chunk as one binary frame, in order.
 *   mode 'record': the same recording, each chunk handed to the bench (window.benchChunk).
 *   mode 'local': no recording (the capture → decode baseline only).
 */
(function () {
  'use strict';
  var B = window.BENCH;
  var cam = window.FoyerClockCamera(B);
  var stats = cam.stats;
  stats.chunks = 0;
  stats.bytes = 0;
  stats.messages = [];
  stats.closed = null;

  var recorder = null;
  function record(onChunk) {
    recorder = new MediaRecorder(cam.stream, {
      mimeType: B.mimeType,
      videoBitsPerSecond: B.videoBitsPerSecond,
      audioBitsPerSecond: 128000,
      videoKeyFrameIntervalDuration: B.keyFrameIntervalMs,
    });
    recorder.ondataavailable = function (e) {
      if (!e.data || !e.data.size) return;
      stats.chunks++;
      stats.bytes += e.data.size;
      onChunk(e.data);
    };
    recorder.onerror = function (e) {
      stats.error = 'MediaRecorder: ' + (e.error ? e.error.message : 'error');
    };
    recorder.start(B.chunkMs);
  }

  window.benchStop = function () {
    return new Promise(function (resolve) {
      if (!recorder || recorder.state === 'inactive') return resolve(stats);
      recorder.onstop = function () {
        setTimeout(function () {
          resolve(stats);
        }, 50);
      };
      recorder.stop();
    });
  };

  if (B.mode === 'record') {
    var t0 = null;
    var chain = Promise.resolve();
    record(function (blob) {
      var at = performance.now();
      if (t0 === null) t0 = at;
      chain = chain.then(function () {
        return blob.arrayBuffer().then(function (buf) {
          var bytes = new Uint8Array(buf);
          var bin = '';
          for (var i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
          return window.benchChunk(btoa(bin), at - t0);
        });
      });
    });
    window.benchFlushed = function () {
      return chain;
    };
  }

  if (B.mode === 'publish') {
    var ws = new WebSocket(B.ingestUrl);
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: 'start', mimeType: B.mimeType }));
    };
    ws.onmessage = function (e) {
      if (typeof e.data !== 'string') return;
      var m = JSON.parse(e.data);
      stats.messages.push(m.type === 'error' ? 'error:' + m.error.code + ' ' + m.error.message : m.type + (m.status ? ':' + m.status.state : ''));
      if (m.type === 'ready' && !recorder) {
        record(function (blob) {
          if (ws.readyState === 1) ws.send(blob);
        });
      }
    };
    ws.onclose = function (e) {
      stats.closed = { code: e.code, reason: e.reason };
    };
    window.benchEnd = function () {
      return window.benchStop().then(function () {
        return new Promise(function (resolve) {
          if (ws.readyState !== 1) return resolve(stats);
          ws.onclose = function (e) {
            stats.closed = { code: e.code, reason: e.reason };
            resolve(stats);
          };
          ws.send(JSON.stringify({ type: 'stop' }));
        });
      });
    };
  }
})();
