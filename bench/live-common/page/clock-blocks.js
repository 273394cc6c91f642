/**
 * The clock drawn into the picture, for bench/live-latency: an epoch time in milliseconds as a grid
 * of black and white blocks (one bit each) at the top of a frame, read back from a decoded frame.
 *
 * A classic script, the same file in both places: a browser page loads it (it sets
 * `FoyerClockBlocks` on the global object), and Node evaluates it in a `vm` context
 * (bench/live-common/clock-blocks.ts) to draw raw frames for the RTMP encoder.
 *
 * Layout: 3 rows of 16 square blocks across the full width (640 px wide → 40 px blocks): the low 40
 * bits of the epoch ms (most significant first), then an 8-bit CRC of those 5 bytes. A frame is
 * rejected when any block's centre is neither clearly black nor clearly white (a frame torn between
 * two draws, or blurred by the encoder) or when the CRC does not match.
 */
(function (root) {
  'use strict';
  var COLS = 16;
  var ROWS = 3;
  var DATA_BITS = 40;
  var BITS = COLS * ROWS;
  var TWO40 = Math.pow(2, 40);

  function crc8(bytes) {
    var c = 0;
    for (var i = 0; i < bytes.length; i++) {
      c ^= bytes[i];
      for (var k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    }
    return c;
  }

  /** The 48 bits for an epoch ms: 40 bits of the time, 8 of CRC. */
  function bitsOf(ms) {
    var v = Math.floor(ms) % TWO40;
    var bits = new Array(BITS);
    for (var i = 0; i < DATA_BITS; i++) bits[i] = Math.floor(v / Math.pow(2, DATA_BITS - 1 - i)) % 2;
    var crc = crc8(bytesOf(bits));
    for (var j = 0; j < 8; j++) bits[DATA_BITS + j] = (crc >> (7 - j)) & 1;
    return bits;
  }

  function bytesOf(bits) {
    var out = [];
    for (var b = 0; b < DATA_BITS / 8; b++) {
      var x = 0;
      for (var i = 0; i < 8; i++) x = (x << 1) | bits[b * 8 + i];
      out.push(x);
    }
    return out;
  }

  function blockSize(width) {
    return Math.floor(width / COLS);
  }

  /** Draws the blocks for `ms` on a 2D canvas context `width` pixels wide. */
  function draw(g, ms, width) {
    var bits = bitsOf(ms);
    var s = blockSize(width);
    for (var i = 0; i < BITS; i++) {
      g.fillStyle = bits[i] ? '#fff' : '#000';
      g.fillRect((i % COLS) * s, Math.floor(i / COLS) * s, s, s);
    }
  }

  /** Draws the blocks into a raw 8-bit gray frame (Uint8Array, `width` × rows, row-major). */
  function drawGray(frame, width, ms) {
    var bits = bitsOf(ms);
    var s = blockSize(width);
    for (var i = 0; i < BITS; i++) {
      var x0 = (i % COLS) * s;
      var y0 = Math.floor(i / COLS) * s;
      var v = bits[i] ? 255 : 0;
      for (var y = y0; y < y0 + s; y++) frame.fill(v, y * width + x0, y * width + x0 + s);
    }
  }

  /**
   * Reads the blocks from RGBA pixels (ImageData.data) of a frame `width` wide (at least the block
   * rows tall) and returns the epoch ms nearest `nowMs` that has those low 40 bits, or null.
   */
  function decodeRgba(data, width, nowMs) {
    return decode(data, 4, width, nowMs);
  }

  /** The same from 8-bit gray pixels (one byte each). */
  function decodeGray(data, width, nowMs) {
    return decode(data, 1, width, nowMs);
  }

  function decode(data, step, width, nowMs) {
    var s = blockSize(width);
    var q = Math.max(1, Math.floor(s / 4));
    var bits = new Array(BITS);
    for (var i = 0; i < BITS; i++) {
      var cx = (i % COLS) * s + Math.floor(s / 2);
      var cy = Math.floor(i / COLS) * s + Math.floor(s / 2);
      var sum = 0;
      var n = 0;
      for (var y = cy - q; y < cy + q; y++) {
        for (var x = cx - q; x < cx + q; x++) {
          var p = (y * width + x) * step;
          sum += step === 1 ? data[p] : (data[p] * 299 + data[p + 1] * 587 + data[p + 2] * 114) / 1000;
          n++;
        }
      }
      var mean = sum / n;
      if (mean > 64 && mean < 192) return null;
      bits[i] = mean >= 128 ? 1 : 0;
    }
    var crc = 0;
    for (var j = 0; j < 8; j++) crc = (crc << 1) | bits[DATA_BITS + j];
    if (crc !== crc8(bytesOf(bits))) return null;
    var v = 0;
    for (var k = 0; k < DATA_BITS; k++) v = v * 2 + bits[k];
    // the full time: the one with these low 40 bits nearest to now (2^40 ms is 34 years)
    var base = Math.floor(nowMs / TWO40) * TWO40;
    var best = base + v;
    if (best - nowMs > TWO40 / 2) best -= TWO40;
    else if (nowMs - best > TWO40 / 2) best += TWO40;
    return best;
  }

  root.FoyerClockBlocks = { COLS: COLS, ROWS: ROWS, blockSize: blockSize, draw: draw, drawGray: drawGray, decodeRgba: decodeRgba, decodeGray: decodeGray };
})(typeof globalThis !== 'undefined' ? globalThis : this);
