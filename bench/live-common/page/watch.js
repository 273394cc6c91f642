/**
 * The viewer's measurement, an init script of the viewer's browser context (the real room page) or
 * a script of the bench's own viewer page. It finds the live player's <video data-testid="live-video">,
 * draws every frame it presents to a canvas (requestVideoFrameCallback), decodes the clock blocks
 * and records Date.now() − the time in the picture; it also records the element's waiting / stalled
 * / playing events, when each live segment finished loading (Resource Timing), the "N s behind"
 * the room's player shows, and the player's errors where it can see them.
 */
(function () {
  'use strict';
  var stats = (window.benchStats = window.benchStats || {});
  stats.samples = [];
  stats.rejected = 0;
  stats.events = [];
  stats.segments = [];
  stats.badges = [];
  stats.errors = stats.errors || [];

  try {
    performance.setResourceTimingBufferSize(100000);
  } catch (_e) {
    // older browsers
  }
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      var m = /\/seg-(\d+)\.ts(\?|$)/.exec(e.name);
      if (m) stats.segments.push([Number(m[1]), performance.timeOrigin + e.requestStart, performance.timeOrigin + e.responseEnd]);
    });
  }).observe({ type: 'resource', buffered: true });

  var codec = window.FoyerClockBlocks;
  var canvas = null;
  var g = null;
  function bufferedAhead(v) {
    var b = v.buffered;
    for (var i = 0; i < b.length; i++) if (b.start(i) <= v.currentTime + 0.05 && b.end(i) >= v.currentTime) return b.end(i) - v.currentTime;
    return 0;
  }
  function attach(video) {
    video.benchWatched = true;
    ['waiting', 'stalled', 'playing', 'pause', 'seeking', 'seeked', 'ended', 'error', 'emptied'].forEach(function (type) {
      video.addEventListener(type, function () {
        stats.events.push([Date.now(), type, video.currentTime]);
      });
    });
    function onFrame(_now, meta) {
      var shown = Date.now();
      var w = video.videoWidth;
      if (w) {
        var rows = codec.blockSize(w) * codec.ROWS;
        if (!canvas) {
          canvas = document.createElement('canvas');
          g = canvas.getContext('2d', { willReadFrequently: true });
        }
        if (canvas.width !== w || canvas.height !== rows) {
          canvas.width = w;
          canvas.height = rows;
        }
        g.drawImage(video, 0, 0, w, rows, 0, 0, w, rows);
        var encoded = codec.decodeRgba(g.getImageData(0, 0, w, rows).data, w, shown);
        if (encoded === null) stats.rejected++;
        // [shown, latency, media time, playback rate, buffered ahead]
        else stats.samples.push([shown, shown - encoded, meta.mediaTime, video.playbackRate, bufferedAhead(video)]);
      }
      video.requestVideoFrameCallback(onFrame);
    }
    video.requestVideoFrameCallback(onFrame);
  }
  setInterval(function () {
    var v = document.querySelector('video[data-testid="live-video"]');
    if (v && !v.benchWatched) attach(v);
    var badge = document.querySelector('.live-latency');
    if (badge) stats.badges.push([Date.now(), parseFloat(badge.textContent)]);
    if (window.benchHls) stats.badges.push([Date.now(), window.benchHls.latency]);
  }, 250);
})();
