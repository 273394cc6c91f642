import type { Media } from '../db/schema.js';
import { AppError } from '../errors.js';
import type { RequestAuth } from '../http/plugins/session.js';
import type { MediaRepository } from '../repositories/media.repository.js';

/** A way, other than ownership, that a visitor may open a media item (invite grants plug in here). */
export interface AccessRule {
  /** The role the visitor holds on the media through this rule, or undefined. */
  roleFor(auth: RequestAuth, media: Media): Promise<string | undefined>;
  /** Refusal for a visitor whose only access is scoped elsewhere (an invite guest), or undefined. */
  scopeRefusal?(auth: RequestAuth): Promise<AppError | undefined>;
}

export interface ViewAccess {
  media: Media;
  role: 'owner' | 'admin' | string;
  canManage: boolean;
}

/** Decides who may open which media. The one place every media read goes through. */
export class AccessService {
  readonly rules: AccessRule[] = [];

  constructor(private readonly media: MediaRepository) {}

  async view(auth: RequestAuth, mediaId: string): Promise<ViewAccess> {
    const media = await this.media.findById(mediaId);
    if (media && auth.user) {
      if (media.owner_id === auth.user.id) return { media, role: 'owner', canManage: true };
      if (auth.user.is_admin) return { media, role: 'admin', canManage: true };
    }
    if (media) {
      for (const rule of this.rules) {
        const role = await rule.roleFor(auth, media);
        if (role) return { media, role, canManage: false };
      }
    }
    for (const rule of this.rules) {
      const refusal = await rule.scopeRefusal?.(auth);
      if (refusal) throw refusal;
    }
    if (!auth.user) throw new AppError('unauthenticated');
    throw new AppError('not_found', { message: 'Media not found.' });
  }
}
