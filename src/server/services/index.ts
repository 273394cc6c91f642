import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Bus } from '../adapters/bus/bus.js';
import type { Mailer } from '../adapters/mail/mailer.js';
import type { Storage } from '../adapters/storage/storage.js';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { RequestAuth } from '../http/plugins/session.js';
import { AccessService } from './access.service.js';
import { AuthService } from './auth.service.js';
import { createLiveServices } from './live.js';
import type { LiveEventService } from './live-event.service.js';
import type { RoomService } from './room.service.js';
import { MailService } from './mail.service.js';
import { MediaService } from './media.service.js';

export interface GuestInfo {
  mediaId: string;
  mediaTitle: string;
  role: string;
}

export interface Services {
  auth: AuthService;
  mail: MailService;
  media: MediaService;
  access: AccessService;
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
}

export function createServices(deps: ServiceDeps): Services {
  const mail = new MailService({ db: deps.db, mailer: deps.mailer, from: deps.config.mailFrom, clock: deps.clock, logger: deps.logger });
  const auth = new AuthService({ db: deps.db, mail, clock: deps.clock, publicUrl: deps.config.publicUrl, sessionTtlMs: deps.config.sessionTtlMs });
  const media = new MediaService({ db: deps.db, storage: deps.storage, clock: deps.clock });
  const access = new AccessService(media.repo);
  const { liveEvents, room } = createLiveServices({ db: deps.db, media, access, storage: deps.storage, bus: deps.bus, clock: deps.clock, publicUrl: deps.config.publicUrl, logger: deps.logger });
  return { auth, mail, media, access, liveEvents, room, bus: deps.bus, describeGuest: async () => null };
}
