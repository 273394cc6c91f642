/**
 * Just enough MIME to read the mail Foyer sends (nodemailer output): headers with folding and
 * RFC 2047 encoded words, nested multipart bodies, base64 and quoted-printable, UTF-8 text.
 * Tests use it to read real messages received over SMTP; it is not a general mail parser.
 */

export interface MimePart {
  headers: Map<string, string>;
  contentType: string;
  /** Parameters of Content-Type, lower-cased names (boundary, charset, name). */
  params: Record<string, string>;
  filename?: string;
  body: Buffer;
  parts: MimePart[];
}

export interface ParsedMail {
  subject: string;
  from: string;
  to: string;
  text: string;
  html: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  headers: Map<string, string>;
}

function splitHead(raw: Buffer): { head: string; body: Buffer } {
  const s = raw.toString('latin1');
  const m = /\r?\n\r?\n/.exec(s);
  if (!m) return { head: s, body: Buffer.alloc(0) };
  return { head: s.slice(0, m.index), body: raw.subarray(m.index + m[0].length) };
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(i + 1).trim());
  }
  return headers;
}

function parseParams(value: string): { value: string; params: Record<string, string> } {
  const [first, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { value: first.trim().toLowerCase(), params };
}

export function decodeQuotedPrintable(input: string): Buffer {
  const soft = input.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body.toString('latin1'));
    default:
      return body;
  }
}

/** Decodes =?utf-8?Q?...?= and =?utf-8?B?...?= words in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')).toString('utf8'),
    );
}

export function parsePart(raw: Buffer): MimePart {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const ct = parseParams(headers.get('content-type') ?? 'text/plain; charset=us-ascii');
  const disposition = parseParams(headers.get('content-disposition') ?? '');
  const filename = disposition.params.filename ?? ct.params.name;
  const part: MimePart = { headers, contentType: ct.value, params: ct.params, filename: filename ? decodeWords(filename) : undefined, body, parts: [] };
  if (ct.value.startsWith('multipart/') && ct.params.boundary) {
    const delimiter = `--${ct.params.boundary}`;
    const text = body.toString('latin1');
    const chunks = text.split(delimiter).slice(1);
    for (const chunk of chunks) {
      if (chunk.startsWith('--')) break;
      part.parts.push(parsePart(Buffer.from(chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, ''), 'latin1')));
    }
  } else {
    part.body = decodeBody(body, headers.get('content-transfer-encoding'));
  }
  return part;
}

function leaves(p: MimePart): MimePart[] {
  return p.parts.length ? p.parts.flatMap(leaves) : [p];
}

export function parseMail(raw: Buffer): ParsedMail {
  const root = parsePart(raw);
  const all = leaves(root);
  const isAttachment = (p: MimePart) => Boolean(p.filename) || /attachment/i.test(p.headers.get('content-disposition') ?? '');
  // CRLF is how SMTP carries lines, not part of what the sender wrote.
  const textOf = (type: string) => (all.find((p) => p.contentType === type && !isAttachment(p))?.body.toString('utf8') ?? '').replace(/\r\n/g, '\n');
  return {
    subject: decodeWords(root.headers.get('subject') ?? ''),
    from: decodeWords(root.headers.get('from') ?? ''),
    to: decodeWords(root.headers.get('to') ?? ''),
    text: textOf('text/plain'),
    html: textOf('text/html'),
    attachments: all.filter(isAttachment).map((p) => ({ filename: p.filename ?? 'attachment', contentType: p.contentType, content: p.body })),
    headers: root.headers,
  };
}
