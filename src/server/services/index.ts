import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { JobQueue } from '../adapters/jobs/job-queue.js';
import type { Bus } from '../adapters/bus/bus.js';
import type { Mailer } from '../adapters/mail/mailer.js';
import type { Storage } from '../adapters/storage/storage.js';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { RequestAuth } from '../http/plugins/session.js';
import { higherRole } from '../domain/invite-rules.js';
import { AccessService } from './access.service.js';
import { AuditService } from './audit.service.js';
import { InviteAccessRule } from './invite-access.rule.js';
import { InviteService } from './invite.service.js';
import { LobbyService } from './lobby.service.js';
import { connectInvitesToLive } from './live-invites.js';
import { SettingsService } from './settings.service.js';
import { AuthService } from './auth.service.js';
import { createLiveServices } from './live.js';
import type { LiveEventService } from './live-event.service.js';
import type { RoomService } from './room.service.js';
import { MailService } from './mail.service.js';
import { MediaService } from './media.service.js';
import { createPipelineServices, type PipelineServices } from './pipeline.js';
import type { ViewerLabeler } from './viewers.js';

export interface GuestInfo {
  mediaId: string;
  mediaTitle: string;
  role: string;
}

export interface Services extends PipelineServices {
  auth: AuthService;
  mail: MailService;
  media: MediaService;
  access: AccessService;
  settings: SettingsService;
  audit: AuditService;
  invites: InviteService;
  lobby: LobbyService;
  liveEvents: LiveEventService;
  room: RoomService;
  /** Publish/subscribe between modules and server processes (access changes, live rooms). */
  bus: Bus;
  /** Set by the invite module: what an invite session may open, for the browser. */
  describeGuest(auth: RequestAuth): Promise<GuestInfo | null>;
}

export interface ServiceDeps {
  config: Config;
  db: Kysely<DB>;
  mailer: Mailer;
  storage: Storage;
  clock: () => number;
  logger: Logger;
  bus: Bus;
  /** Background jobs (transcoding); see adapters/jobs. */
  jobs: JobQueue;
}

export function createServices(deps: ServiceDeps): Services {
  const mail = new MailService({ db: deps.db, mailer: deps.mailer, from: deps.config.mailFrom, clock: deps.clock, logger: deps.logger });
  const auth = new AuthService({ db: deps.db, mail, clock: deps.clock, publicUrl: deps.config.publicUrl, sessionTtlMs: deps.config.sessionTtlMs });
  const media = new MediaService({ db: deps.db, storage: deps.storage, clock: deps.clock });
  const access = new AccessService(media.repo);
  const settings = new SettingsService({ db: deps.db, clock: deps.clock });
  const audit = new AuditService({ db: deps.db, clock: deps.clock });
  const invites = new InviteService({ db: deps.db, mail, settings, audit, media, bus: deps.bus, clock: deps.clock, publicUrl: deps.config.publicUrl });
  const lobby = new LobbyService({ db: deps.db, invites, auth, media, settings, audit, mail, clock: deps.clock, sessionTtlMs: deps.config.sessionTtlMs });
  access.rules.push(new InviteAccessRule({ grants: invites.grants, clock: deps.clock }));
  media.hooks.push({
    onDeleted: async (m, trx) => {
      const grants = await invites.onMediaDeleted(m, trx);
      return () => invites.announce({ mediaId: m.id, grants, role: null, reason: 'media_deleted' });
    },
  });
  const describeGuest: Services['describeGuest'] = async (a) => {
    if (!a.guest || a.user || a.guest.endedReason) return null;
    const grants = await invites.grants.liveFor({ mediaId: a.guest.mediaId, sessionId: a.session?.id });
    if (!grants.length) return null;
    return { mediaId: a.guest.mediaId, mediaTitle: a.guest.mediaTitle, role: grants.map((g) => g.role).reduce(higherRole) };
  };
  const { liveEvents, room } = createLiveServices({ db: deps.db, media, access, storage: deps.storage, bus: deps.bus, clock: deps.clock, publicUrl: deps.config.publicUrl, logger: deps.logger });
  connectInvitesToLive({ invites, liveEvents, room, settings, publicUrl: deps.config.publicUrl });
  const pipeline = createPipelineServices(deps, { media, access });
  pipeline.viewers.labelers.push(guestLabeler(deps.db));
  return { auth, mail, media, access, settings, audit, invites, lobby, liveEvents, room, bus: deps.bus, describeGuest, ...pipeline };
}

/**
 * Names invite guests in quiz results and viewing analytics by the invite behind their session, so
 * the owner sees the invited person (and "People with access" can put the figures on their row).
 */
function guestLabeler(db: ServiceDeps['db']): ViewerLabeler {
  return async (viewers) => {
    const out = new Map<string, { name: string | null; email: string | null }>();
    const bySession = new Map(viewers.filter((v) => v.sessionId && !v.userId).map((v) => [v.sessionId!, v.key]));
    if (!bySession.size) return out;
    const rows = await db
      .selectFrom('grants')
      .innerJoin('invites', 'invites.id', 'grants.invite_id')
      .select(['grants.session_id', 'invites.email', 'invites.first_name', 'invites.last_name'])
      .where('grants.session_id', 'in', [...bySession.keys()])
      .execute();
    for (const r of rows) {
      const key = r.session_id ? bySession.get(r.session_id) : undefined;
      if (key) out.set(key, { name: [r.first_name, r.last_name].filter(Boolean).join(' ') || null, email: r.email });
    }
    return out;
  };
}
