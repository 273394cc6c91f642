import { useState, type ChangeEvent } from 'react';
import { MAX_INVITES_PER_REQUEST } from '../../../contracts/invites.js';
import { Alert } from '../../ui/Alert.js';
import { TextAreaField, TextField } from '../../ui/Field.js';
import { UploadIcon } from '../../ui/icons.js';
import { Tabs, tabPanelProps } from '../../ui/Tabs.js';
import { dedupe, parseCsv, parsePastedList, type CsvResult, type PersonInput } from './parse-people.js';

export type RecipientsMode = 'one' | 'paste' | 'csv';

export interface Recipients {
  mode: RecipientsMode;
  one: PersonInput;
  paste: string;
  csv: (CsvResult & { fileName: string }) | null;
}

export const emptyRecipients: Recipients = { mode: 'one', one: { email: '', firstName: '', lastName: '' }, paste: '', csv: null };

/** Everyone the current mode describes, in order, repeats included. */
export function peopleOf(r: Recipients): PersonInput[] {
  if (r.mode === 'one') return [{ email: r.one.email.trim(), firstName: r.one.firstName.trim(), lastName: r.one.lastName.trim() }];
  if (r.mode === 'paste') return parsePastedList(r.paste);
  return r.csv?.people ?? [];
}

/** What stops the form from being sent, keyed by field; `invalid` marks addresses the server refused as malformed. */
export interface RecipientErrors {
  email?: string;
  list?: string;
  invalid?: Array<{ email: string; message: string }>;
}

/** A person as one line of a pasted list that parsePastedList reads back the same. */
const asLine = (p: PersonInput) => {
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ');
  return name ? `${name} <${p.email}>` : p.email;
};

/**
 * The form again after the server refused malformed addresses: in "One person" the same person with the
 * address marked; for a list (pasted or CSV) only the refused people, as a pasted list keeping their names,
 * each refused address listed. Everyone else in the list was either invited already or refused for another reason.
 */
export function toFix(r: Recipients, refused: Array<{ email: string; reason: string; message: string }>): { recipients: Recipients; errors: RecipientErrors } {
  const malformed = refused.filter((x) => x.reason === 'malformed');
  if (r.mode === 'one') return { recipients: r, errors: { email: malformed[0]?.message ?? 'This is not a valid email address.' } };
  const bad = new Set(malformed.map((x) => x.email.trim()));
  const people = peopleOf(r).filter((p) => bad.has(p.email.trim()));
  return {
    recipients: { ...r, mode: 'paste', paste: people.map(asLine).join('\n'), csv: null },
    errors: {
      list: malformed.length === 1 ? 'This address is not valid. Correct it and send again.' : `These ${malformed.length} addresses are not valid. Correct them and send again.`,
      invalid: malformed.map((x) => ({ email: x.email, message: x.message })),
    },
  };
}

const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+$/;

/** What stops the form from being sent, keyed by field; empty when it can go. */
export function recipientsErrors(r: Recipients): RecipientErrors {
  if (r.mode === 'one') {
    const email = r.one.email.trim();
    if (!email) return { email: 'Enter the email address of the person to invite.' };
    if (!LOOKS_LIKE_EMAIL.test(email)) return { email: 'Enter a valid email address, like name@example.com.' };
    return {};
  }
  const n = peopleOf(r).length;
  if (r.mode === 'csv' && !r.csv) return { list: 'Choose a CSV file.' };
  if (n === 0) return { list: r.mode === 'paste' ? 'Add at least one email address.' : 'The file has no people in it.' };
  if (n > MAX_INVITES_PER_REQUEST) return { list: `Up to ${MAX_INVITES_PER_REQUEST.toLocaleString()} people at a time. This list has ${n.toLocaleString()}.` };
  return {};
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function ListSummary({ people }: { people: PersonInput[] }) {
  const { unique, repeats } = dedupe(people);
  if (people.length === 0) return null;
  return (
    <p className="recipients-summary" role="status">
      <strong>{count(unique.length, 'person', 'people')}</strong>
      {repeats.length > 0 && ` · ${count(repeats.length, 'repeated address', 'repeated addresses')} will be skipped`}
    </p>
  );
}

/** Who to invite: one person, a pasted list, or a CSV file. */
export function RecipientsInput({ value, onChange, errors, base }: { value: Recipients; onChange: (r: Recipients) => void; errors: RecipientErrors; base: string }) {
  const [reading, setReading] = useState(false);
  const set = (patch: Partial<Recipients>) => onChange({ ...value, ...patch });
  const setOne = (k: keyof PersonInput) => (e: ChangeEvent<HTMLInputElement>) => set({ one: { ...value.one, [k]: e.target.value } });

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setReading(true);
    try {
      set({ csv: { ...parseCsv(await file.text()), fileName: file.name } });
    } finally {
      setReading(false);
    }
  };

  return (
    <div className="recipients">
      <Tabs
        label="How to add people"
        base={base}
        value={value.mode}
        onChange={(mode) => set({ mode })}
        items={[
          { id: 'one', label: 'One person' },
          { id: 'paste', label: 'Paste a list' },
          { id: 'csv', label: 'Upload CSV' },
        ]}
      />
      <div className="recipients-panel" {...tabPanelProps(base, value.mode)}>
        {value.mode === 'one' && (
          <div className="form-stack">
            <TextField label="Email" name="email" type="email" autoComplete="off" autoCapitalize="none" spellCheck={false} value={value.one.email} onChange={setOne('email')} error={errors.email} required />
            <div className="field-row">
              <TextField label="First name" name="firstName" autoComplete="off" maxLength={100} value={value.one.firstName} onChange={setOne('firstName')} hint="Optional" />
              <TextField label="Last name" name="lastName" autoComplete="off" maxLength={100} value={value.one.lastName} onChange={setOne('lastName')} hint="Optional" />
            </div>
          </div>
        )}
        {value.mode === 'paste' && (
          <div className="form-stack">
            <TextAreaField
              label="People to invite"
              name="people"
              rows={6}
              spellCheck={false}
              value={value.paste}
              onChange={(e) => set({ paste: e.target.value })}
              error={errors.list}
              placeholder={'ada@example.com\nGrace Hopper <grace@example.com>\nalan@example.com, Alan, Turing'}
              hint={`One per line: an email, “Name <email>”, or “email, first name, last name”. Up to ${MAX_INVITES_PER_REQUEST.toLocaleString()}.`}
            />
            {errors.invalid && errors.invalid.length > 0 && (
              <ul className="plain-list invalid-addresses" aria-label="Invalid addresses">
                {errors.invalid.map((x) => (
                  <li key={x.email}>
                    <span className="break invalid-address">{x.email || '(empty)'}</span> <span className="muted small">{x.message}</span>
                  </li>
                ))}
              </ul>
            )}
            <ListSummary people={peopleOf({ ...value, mode: 'paste' })} />
          </div>
        )}
        {value.mode === 'csv' && (
          <div className="form-stack">
            <div className={`csv-picker ${errors.list ? 'csv-picker-invalid' : ''}`}>
              <label className="btn btn-secondary csv-picker-button">
                <UploadIcon size={18} />
                <span>{value.csv ? 'Choose another file' : 'Choose a CSV file'}</span>
                <input type="file" accept=".csv,text/csv,text/plain" className="visually-hidden" onChange={(e) => void onFile(e)} aria-describedby={`${base}-csv-hint`} />
              </label>
              <p id={`${base}-csv-hint`} className="field-hint">
                Columns: email, first name, last name. A header row is optional. Up to {MAX_INVITES_PER_REQUEST.toLocaleString()} rows.
              </p>
            </div>
            {reading && <p className="muted small">Reading the file…</p>}
            {errors.list && <p className="field-error">{errors.list}</p>}
            {value.csv && <CsvPreview csv={value.csv} />}
          </div>
        )}
      </div>
    </div>
  );
}

function CsvPreview({ csv }: { csv: CsvResult & { fileName: string } }) {
  const rows = csv.people.slice(0, 5);
  return (
    <div className="csv-preview">
      <p className="csv-preview-file">
        <span className="break">{csv.fileName}</span> <span className="muted">· {csv.hasHeader ? 'header row found' : 'no header row'}</span>
      </p>
      <ListSummary people={csv.people} />
      {csv.warnings.length > 0 && (
        <Alert tone="warning" title="Some rows could not be read">
          <ul className="plain-list">
            {csv.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Alert>
      )}
      {rows.length > 0 && (
        <div className="table-wrap table-scroll">
          <table className="table table-compact">
            <caption className="visually-hidden">First rows of {csv.fileName}</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">First name</th>
                <th scope="col">Last name</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p, i) => (
                <tr key={i}>
                  <td className="break">{p.email}</td>
                  <td>{p.firstName}</td>
                  <td>{p.lastName}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {csv.people.length > rows.length && <p className="muted small">…and {(csv.people.length - rows.length).toLocaleString()} more.</p>}
    </div>
  );
}
