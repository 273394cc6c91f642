export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** One email layout: a heading, paragraphs of plain text, and at most one button. */
export function renderEmail(opts: {
  heading: string;
  paragraphs: string[];
  button?: { label: string; url: string };
  footer?: string;
}): { text: string; html: string } {
  const text = [
    opts.heading,
    '',
    ...opts.paragraphs.flatMap((p) => [p, '']),
    ...(opts.button ? [`${opts.button.label}: ${opts.button.url}`, ''] : []),
    ...(opts.footer ? ['--', opts.footer] : []),
  ].join('\n');
  const html = `<!doctype html><html><body style="margin:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2430">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:32px 16px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:12px;padding:32px">
<tr><td style="font-size:14px;color:#5b6472;letter-spacing:.08em;text-transform:uppercase">Foyer</td></tr>
<tr><td><h1 style="font-size:22px;margin:12px 0 16px">${escapeHtml(opts.heading)}</h1></td></tr>
${opts.paragraphs.map((p) => `<tr><td style="font-size:15px;line-height:1.55;padding-bottom:12px;white-space:pre-line">${escapeHtml(p)}</td></tr>`).join('\n')}
${
  opts.button
    ? `<tr><td style="padding:12px 0 20px"><a href="${escapeHtml(opts.button.url)}" style="display:inline-block;background:#3b5bdb;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 22px;border-radius:8px">${escapeHtml(opts.button.label)}</a></td></tr>`
    : ''
}
${opts.footer ? `<tr><td style="font-size:12px;color:#8a93a3;border-top:1px solid #eceef2;padding-top:16px">${escapeHtml(opts.footer)}</td></tr>` : ''}
</table></td></tr></table></body></html>`;
  return { text, html };
}
