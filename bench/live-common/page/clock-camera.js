/**
 * The bench's "camera": a canvas on which the current time (performance.timeOrigin +
 * performance.now(), epoch ms) is drawn every frame as clock blocks (clock-blocks.js) above a moving,
 * detailed picture, captured as a MediaStream, with an OscillatorNode tone as its audio track.
 *
 * It also plays its own stream in a small local <video> and decodes every frame of it the way the
 * viewer does (requestVideoFrameCallback → canvas → blocks): the capture → decode loop without
 * encoder, server or network — what the measuring itself costs (benchStats.local).
 *
 *   var cam = FoyerClockCamera({ width, height, fps, busy });  // → { stream, stats }
 */
(function (root) {
  'use strict';
  root.FoyerClockCamera = function (B) {
    var codec = root.FoyerClockBlocks;
    var W = B.width;
    var H = B.height;
    var stats = (root.benchStats = root.benchStats || {});
    stats.cameraSince = Date.now();
    stats.drawn = 0;
    stats.local = [];
    stats.localRejected = 0;

    var box = document.createElement('div');
    box.setAttribute('style', 'position:fixed;right:0;bottom:0;width:320px;z-index:2147483647;pointer-events:none');
    document.body.appendChild(box);
    var canvas = document.createElement('canvas');
    canvas.width = W;
    canvas.height = H;
    canvas.setAttribute('style', 'width:160px;height:auto');
    box.appendChild(canvas);
    var g = canvas.getContext('2d');
    var top = codec.blockSize(W) * codec.ROWS;

    // a picture with motion and detail below the clock, so the encoder works as it would on a camera
    var seed = 1;
    function rnd() {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    }
    function draw() {
      stats.drawn++;
      var t = (performance.timeOrigin + performance.now()) / 1000;
      g.fillStyle = 'hsl(' + ((t * 20) % 360) + ',40%,45%)';
      g.fillRect(0, top, W, H - top);
      for (var i = 0; i < B.busy; i++) {
        g.fillStyle = 'rgb(' + Math.floor(rnd() * 256) + ',' + Math.floor(rnd() * 256) + ',' + Math.floor(rnd() * 256) + ')';
        g.fillRect(rnd() * W, top + rnd() * (H - top), 4 + rnd() * 40, 4 + rnd() * 40);
      }
      g.fillStyle = '#fff';
      g.fillRect(((Math.sin(t * 1.3) + 1) / 2) * (W - 120), top + ((Math.cos(t * 0.9) + 1) / 2) * (H - top - 120), 120, 120);
      // the clock last, at the latest moment before the frame is composited
      codec.draw(g, performance.timeOrigin + performance.now(), W);
      requestAnimationFrame(draw);
    }
    requestAnimationFrame(draw);

    var stream = canvas.captureStream(B.fps);
    var audio = new AudioContext();
    var osc = audio.createOscillator();
    osc.frequency.value = 440;
    var dest = audio.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    stream.addTrack(dest.stream.getAudioTracks()[0]);

    var local = document.createElement('video');
    local.muted = true;
    local.setAttribute('style', 'width:160px;height:auto');
    local.srcObject = new MediaStream(stream.getVideoTracks());
    box.appendChild(local);
    var lc = document.createElement('canvas');
    var lg = lc.getContext('2d', { willReadFrequently: true });
    function onLocalFrame() {
      var shown = Date.now();
      var w = local.videoWidth;
      if (w) {
        var rows = codec.blockSize(w) * codec.ROWS;
        if (lc.width !== w || lc.height !== rows) {
          lc.width = w;
          lc.height = rows;
        }
        lg.drawImage(local, 0, 0, w, rows, 0, 0, w, rows);
        var encoded = codec.decodeRgba(lg.getImageData(0, 0, w, rows).data, w, shown);
        if (encoded === null) stats.localRejected++;
        else stats.local.push([shown, shown - encoded]);
      }
      local.requestVideoFrameCallback(onLocalFrame);
    }
    local.requestVideoFrameCallback(onLocalFrame);
    local.play().catch(function (e) {
      stats.error = 'local video: ' + e.message;
    });
    return { stream: stream, stats: stats, audio: audio };
  };
})(window);
