// nginx (njs) check of Foyer's signed media URLs, so nginx can serve the files itself (docs/delivery.md).
//
//   URL        /api/media/<id>/<scope>/<expires>/<signature>/<file>
//   signature  base64url(HMAC-SHA256(secret, expires + "/api/media/<id>/<scope>/"))
//
// The secret is Foyer's MEDIA_URL_SECRET, read from the environment of the nginx master process
// (`env FOYER_MEDIA_URL_SECRET;` in nginx.conf's main context), never written into a config file.
// Tested by test/integration/nginx-signed-media.test.ts against a real nginx.
// njs (not Node): its built-in modules are loaded with require
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = require('crypto');

const SIGNED = /^(\/api\/media\/[A-Za-z0-9-]{1,64}\/(stream|file|download)\/)(\d{1,12})\/([A-Za-z0-9_-]{43})\//;

/** "1" a valid, unexpired signature; "expired"; "0" anything else (no secret configured included). */
function verify(r) {
  const secret = process.env.FOYER_MEDIA_URL_SECRET || '';
  if (secret.length < 32) return '0';
  const m = r.uri.match(SIGNED);
  if (!m) return '0';
  const mac = crypto.createHmac('sha256', secret).update(m[3] + m[1]).digest('base64url');
  if (mac !== m[4]) return '0';
  return Number(m[3]) < Math.floor(Date.now() / 1000) ? 'expired' : '1';
}

export default { verify };
