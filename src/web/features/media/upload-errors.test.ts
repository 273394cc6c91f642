import { describe, expect, it } from 'vitest';
import { errorFromResponse, networkError } from '../../api/client.js';
import { uploadErrorTitle } from './upload-errors.js';

const answer = (status: number, code: string) => errorFromResponse(status, JSON.stringify({ error: { code, message: 'm' } }));

describe('upload error headings', () => {
  it('tells a file that is not media apart from a request in the wrong content type', () => {
    expect(uploadErrorTitle(answer(415, 'unsupported_media'))).toBe('This type of file is not supported');
    expect(uploadErrorTitle(answer(415, 'unsupported_content_type'))).toBe('Upload failed');
    // a bare 415 (no error body) is about the request, not the file
    expect(uploadErrorTitle(errorFromResponse(415, ''))).toBe('Upload failed');
  });

  it('names size limits and dropped connections, from our body or from the tus server’s text', () => {
    expect(uploadErrorTitle(answer(413, 'payload_too_large'))).toBe('This file is too large');
    expect(uploadErrorTitle(errorFromResponse(413, 'Maximum size exceeded\n', 'text/plain'))).toBe('This file is too large');
    expect(uploadErrorTitle(networkError())).toBe('The connection was lost');
    expect(uploadErrorTitle(new Error('boom'))).toBe('Upload failed');
  });

  it('tells an account out of storage apart from a file over the size limit (both are 413)', () => {
    expect(uploadErrorTitle(answer(413, 'quota_exceeded'))).toBe('Not enough storage');
    expect(uploadErrorTitle(answer(403, 'email_not_verified'))).toBe('Confirm your email first');
  });
});
