import { isApiError } from '../../api/client.js';

/**
 * The heading over a failed upload, by code. `unsupported_media` is the file itself (not video,
 * audio, PDF or image); `unsupported_content_type` is a request the app sent in the wrong format,
 * which the person cannot fix by choosing another file, so it gets the general heading.
 */
export function uploadErrorTitle(err: unknown): string {
  if (!isApiError(err)) return 'Upload failed';
  switch (err.code) {
    case 'payload_too_large':
      return 'This file is too large';
    case 'email_not_verified':
      return 'Confirm your email first';
    case 'quota_exceeded':
      return 'Not enough storage';
    case 'unsupported_media':
      return 'This type of file is not supported';
    case 'network_error':
      return 'The connection was lost';
    default:
      return 'Upload failed';
  }
}
