/**
 * An init script for the publisher's browser context when the bench drives the real Go live panel:
 * the camera and microphone the panel asks for (navigator.mediaDevices.getUserMedia) are the bench's
 * clock camera and tone (clock-camera.js), made on the first call; enumerateDevices lists them.
 * Runs before the page's own scripts in every document of the context (window.BENCH is set first).
 */
(function () {
  'use strict';
  var cam = null;
  function camera() {
    cam = cam || window.FoyerClockCamera(window.BENCH);
    return cam;
  }
  var md = navigator.mediaDevices;
  if (!md) return;
  md.getUserMedia = function (constraints) {
    return new Promise(function (resolve) {
      var c = camera();
      var tracks = [];
      // clones: the panel may stop its tracks; the bench's own loop keeps the originals
      if (constraints && constraints.video) tracks.push(c.stream.getVideoTracks()[0].clone());
      if (constraints && constraints.audio) tracks.push(c.stream.getAudioTracks()[0].clone());
      window.benchStats.getUserMedia = (window.benchStats.getUserMedia || 0) + 1;
      resolve(new MediaStream(tracks));
    });
  };
  md.enumerateDevices = function () {
    return Promise.resolve([
      { deviceId: 'bench-clock-camera', groupId: 'bench', kind: 'videoinput', label: 'Bench clock camera', toJSON: function () {} },
      { deviceId: 'bench-tone', groupId: 'bench', kind: 'audioinput', label: 'Bench tone (440 Hz)', toJSON: function () {} },
    ]);
  };
  window.benchStats = window.benchStats || {};
})();
