/**
 * The bench's own viewer page (when not using the real room page's player): it asks
 * GET /api/events/:id/live for its signed playlist and plays it with hls.js and
 * `window.BENCH.hlsConfig` (src/web/features/live/live-hls-config.ts) in a
 * <video data-testid="live-video">, which watch.js measures like the room's.
 */
(function () {
  'use strict';
  var B = window.BENCH;
  var stats = (window.benchStats = window.benchStats || {});
  stats.errors = stats.errors || [];
  var sleep = function (ms) {
    return new Promise(function (r) {
      setTimeout(r, ms);
    });
  };
  var video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  video.setAttribute('data-testid', 'live-video');
  video.setAttribute('style', 'width:640px');
  document.body.appendChild(video);

  (async function () {
    var playback;
    for (;;) {
      var r = await fetch('/api/events/' + B.eventId + '/live', { credentials: 'same-origin' });
      playback = await r.json();
      if (r.ok && playback.playlistUrl) break;
      await sleep(250);
    }
    var Hls = window.Hls;
    var hls = new Hls(B.hlsConfig);
    window.benchHls = hls;
    hls.on(Hls.Events.ERROR, function (_e, d) {
      stats.errors.push([Date.now(), d.type, d.details, d.fatal]);
      if (d.fatal) {
        if (d.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else hls.startLoad();
      }
    });
    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      video.play().catch(function (e) {
        stats.errors.push([Date.now(), 'play', e.message, false]);
      });
    });
    hls.loadSource(playback.playlistUrl);
    hls.attachMedia(video);
  })().catch(function (e) {
    stats.errors.push([Date.now(), 'page', e.message, true]);
  });
})();
