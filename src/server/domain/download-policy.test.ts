import { describe, expect, it } from 'vitest';
import { downloadPolicy } from './download-policy.js';

describe('download policy', () => {
  it('lets managers do everything, blocked or not', () => {
    expect(downloadPolicy({ type: 'video', block_download: 1 }, true)).toEqual({ inline: true, download: true });
  });
  it('lets viewers download when not blocked', () => {
    expect(downloadPolicy({ type: 'video', block_download: 0 }, false)).toEqual({ inline: true, download: true });
  });
  it('refuses a blocked video to viewers, inline and as a download', () => {
    expect(downloadPolicy({ type: 'video', block_download: 1 }, false)).toEqual({ inline: false, download: false });
  });
  it('still shows a blocked document inline, never as a download', () => {
    expect(downloadPolicy({ type: 'document', block_download: 1 }, false)).toEqual({ inline: true, download: false });
  });
});
