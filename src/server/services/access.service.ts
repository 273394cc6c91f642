import type { Media } from '../db/schema.js';
import type { Visitor } from '../domain/visitor.js';
import { AppError } from '../errors.js';
import type { MediaService } from './media.service.js';

/** A way, other than ownership, that a visitor may open a media item (invite grants, recordings of events). */
export interface AccessRule {
  /**
   * The role the visitor holds on the media through this rule, or undefined. `access` is the whole
   * gate, for rules that follow access to another item (a recording follows its event).
   */
  roleFor(auth: Visitor, media: Media, access: AccessService): Promise<string | undefined>;
  /** Refusal for a visitor whose only access is scoped elsewhere (an invite guest), or undefined. */
  scopeRefusal?(auth: Visitor, mediaId: string): Promise<AppError | undefined>;
}

export interface ViewAccess {
  media: Media;
  role: 'owner' | 'admin' | string;
  canManage: boolean;
}

/**
 * Decides who may open which media. The one place every media read goes through. The rules are
 * fixed at construction, in the order given (the composition root lists them).
 */
export class AccessService {
  constructor(private readonly deps: { media: MediaService; rules: readonly AccessRule[] }) {}

  async view(auth: Visitor, mediaId: string): Promise<ViewAccess> {
    const media = await this.deps.media.findById(mediaId);
    if (media && auth.user) {
      if (media.owner_id === auth.user.id) return { media, role: 'owner', canManage: true };
      if (auth.user.is_admin) return { media, role: 'admin', canManage: true };
    }
    if (media) {
      for (const rule of this.deps.rules) {
        const role = await rule.roleFor(auth, media, this);
        if (role) return { media, role, canManage: false };
      }
    }
    for (const rule of this.deps.rules) {
      const refusal = await rule.scopeRefusal?.(auth, mediaId);
      if (refusal) throw refusal;
    }
    if (!auth.user) throw new AppError('unauthenticated');
    throw new AppError('not_found', { message: 'Media not found.' });
  }

  /** Whether the visitor may open the media at all (for rules that follow access elsewhere). */
  async canView(auth: Visitor, mediaId: string): Promise<boolean> {
    try {
      await this.view(auth, mediaId);
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  }
}
