/**
 * Where each kind of file lives in Storage, as relative keys. The one list: services, delivery
 * and the pipeline build keys only through these, so a storage adapter sees one layout.
 */
export const mediaPrefix = (mediaId: string) => `media/${mediaId}/`;

export const originalKey = (mediaId: string, ext: string) => `media/${mediaId}/original.${ext}`;

/** Everything a viewer's player reads (renditions, poster, thumbnails, captions) lives under this. */
export const playKey = (mediaId: string) => `media/${mediaId}/play`;

export const captionKey = (mediaId: string, captionId: string) => `${playKey(mediaId)}/captions/${captionId}.vtt`;

export const eventCoverKey = (mediaId: string, unique: string, ext: string) => `media/${mediaId}/cover-${unique}.${ext}`;
export const speakerPhotoKey = (mediaId: string, speakerId: string, unique: string, ext: string) => `media/${mediaId}/speakers/${speakerId}-${unique}.${ext}`;

/** A small file each server writes and removes to check that media storage is writable (GET /api/health). */
export const healthProbeKey = (processId: string) => `.health/${processId}`;

/** A live event's broadcast segments, until its recording is made (under the media's prefix, so deleting the event removes them). */
export const liveSegmentsPrefix = (mediaId: string) => `media/${mediaId}/live/`;
export const liveSegmentKey = (mediaId: string, msn: number) => `media/${mediaId}/live/seg-${msn}.ts`;
export const liveLowSegmentKey = (mediaId: string, msn: number) => `media/${mediaId}/live/lo/seg-${msn}.ts`;
