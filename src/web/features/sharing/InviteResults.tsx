import { useState } from 'react';
import { isApiError } from '../../api/client.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyField, copyText } from '../../ui/CopyField.js';
import { EmailAddress } from '../../ui/EmailAddress.js';
import { CopyIcon } from '../../ui/icons.js';
import { refusalLabel } from './labels.js';
import type { SendOutcome } from './send-invites.js';

const SHOWN = 200;
const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function CopyAllButton({ text, label }: { text: string; label: string }) {
  const [note, setNote] = useState('');
  return (
    <span className="copy-all">
      <Button size="sm" icon={<CopyIcon size={16} />} onClick={() => void copyText(text).then((ok) => setNote(ok ? 'Copied.' : 'Your browser blocked the clipboard. Copy the links one by one.'))}>
        {label}
      </Button>
      <span className="muted small" role="status">
        {note}
      </span>
    </span>
  );
}

/** The account after sending: who was invited, the links to copy (shown once), who was refused and why. */
export function InviteResults({ outcome, sendEmail }: { outcome: SendOutcome; sendEmail: boolean }) {
  const { created, refused } = outcome;
  const replaced = created.filter((c) => c.replaced).length;
  const links = created.filter((c): c is typeof c & { link: string } => Boolean(c.link));
  const what =
    created.length === 1 && refused.length === 0 ? (sendEmail ? 'Invite sent' : 'Link created')
    : sendEmail ? plural(created.length, 'invite sent', 'invites sent')
    : plural(created.length, 'link created', 'links created');
  const only = created.length === 1 ? created[0].email : null;
  return (
    <div className="invite-results">
      {created.length > 0 ? (
        <Alert tone="success" title={what}>
          {only ? (
            sendEmail ? (
              <>
                <EmailAddress value={only} /> gets an email with their personal link.
              </>
            ) : (
              <>
                No email was sent. Share the link with <EmailAddress value={only} /> yourself.
              </>
            )
          ) : sendEmail ? (
            'Each person gets an email with their personal link.'
          ) : (
            'No emails were sent. Share each link with its person yourself.'
          )}
          {replaced > 0 && ` ${plural(replaced, 'person already had a link; it was', 'people already had a link; those were')} replaced and no longer work${replaced === 1 ? 's' : ''}.`}
        </Alert>
      ) : (
        <Alert tone="error" title="Nobody was invited">
          {refused.length > 0 ? 'Every address was refused. The reasons are below.' : 'Nothing reached the server.'}
        </Alert>
      )}
      {outcome.stopped && (
        <Alert tone="warning" title="Stopped">
          You stopped after {outcome.done.toLocaleString()} of {outcome.total.toLocaleString()}. The rest were not invited.
        </Alert>
      )}
      {outcome.error !== undefined && (
        <Alert tone="error" title={`Sending stopped after ${outcome.done.toLocaleString()} of ${outcome.total.toLocaleString()}`}>
          {isApiError(outcome.error) ? outcome.error.message : 'Something went wrong.'} Everyone before that point was handled as listed here; the rest were not invited.
        </Alert>
      )}

      {links.length > 0 && (
        <section className="invite-links" aria-labelledby="invite-links-title">
          <div className="section-head">
            <h3 id="invite-links-title" className="section-title">
              {links.length === 1 ? 'Link to share' : 'Links to share'}
            </h3>
            {links.length > 1 && <CopyAllButton text={links.map((l) => `${l.email}\t${l.link}`).join('\n')} label={`Copy all ${links.length.toLocaleString()}`} />}
          </div>
          <Alert tone="warning" title={links.length === 1 ? 'This link is shown only once' : 'These links are shown only once'}>
            Copy {links.length === 1 ? 'it' : 'them'} now. Foyer keeps only a fingerprint of each link and cannot show {links.length === 1 ? 'it' : 'them'} again; you can always make a new one from People with access.
          </Alert>
          <ul className="link-list">
            {links.slice(0, SHOWN).map((l) => (
              <li key={l.id} className="link-list-item">
                <p className="link-list-email">
                  <EmailAddress value={l.email} />
                </p>
                <CopyField value={l.link} label={`Invite link for ${l.email}`} />
              </li>
            ))}
          </ul>
          {links.length > SHOWN && <p className="muted small">…and {(links.length - SHOWN).toLocaleString()} more. Use “Copy all” to get every link.</p>}
        </section>
      )}

      {refused.length > 0 && (
        <section className="invite-refused" aria-labelledby="invite-refused-title">
          <div className="section-head">
            <h3 id="invite-refused-title" className="section-title">
              Not invited ({refused.length.toLocaleString()})
            </h3>
            {refused.length > 1 && <CopyAllButton text={refused.map((r) => r.email).join('\n')} label="Copy addresses" />}
          </div>
          <div className="table-wrap table-scroll">
            <table className="table table-compact">
              <caption className="visually-hidden">Addresses that were not invited, with the reason</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {refused.slice(0, SHOWN).map((r, i) => (
                  <tr key={`${r.email}-${i}`}>
                    <td className="break">{r.email || <span className="muted">(empty)</span>}</td>
                    <td>
                      <span className={`badge badge-refusal badge-refusal-${r.reason}`}>{refusalLabel[r.reason]}</span>
                      <p className="refusal-message">{r.message}</p>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {refused.length > SHOWN && <p className="muted small">…and {(refused.length - SHOWN).toLocaleString()} more.</p>}
        </section>
      )}
    </div>
  );
}
