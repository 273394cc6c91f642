import { describe, expect, it } from 'vitest';
import { mediaTypeForMime, titleFromFileName } from './media-kind.js';

describe('media kinds', () => {
  it('maps sniffed content types to media types and refuses the rest', () => {
    expect(mediaTypeForMime('video/mp4')).toBe('video');
    expect(mediaTypeForMime('audio/mpeg')).toBe('audio');
    expect(mediaTypeForMime('application/pdf')).toBe('document');
    expect(mediaTypeForMime('application/zip')).toBeUndefined();
    expect(mediaTypeForMime('text/html')).toBeUndefined();
    expect(mediaTypeForMime(undefined)).toBeUndefined();
  });
  it('derives a title from a file name', () => {
    expect(titleFromFileName('Quarterly_review.final.mp4')).toBe('Quarterly review.final');
    expect(titleFromFileName('.mp4')).toBe('Untitled');
  });
});
