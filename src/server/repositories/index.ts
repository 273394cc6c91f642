import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ApiTokenRepository } from './api-token.repository.js';
import { AuditRepository } from './audit.repository.js';
import { CaptionRepository } from './caption.repository.js';
import { EventReportRepository } from './event-report.repository.js';
import { EmailTokenRepository } from './email-token.repository.js';
import { HealthRepository } from './health.repository.js';
import { GrantRepository, InviteRepository } from './invite.repository.js';
import { LiveEventRepository } from './live-event.repository.js';
import { LiveStreamRepository } from './live-stream.repository.js';
import { MailRepository } from './mail.repository.js';
import { MediaRepository } from './media.repository.js';
import { ProcessingRepository } from './processing.repository.js';
import { QuizRepository } from './quiz.repository.js';
import { QuotaRepository } from './quota.repository.js';
import { RoomContentRepository } from './room-content.repository.js';
import { RoomLogRepository } from './room-log.repository.js';
import { RoomParticipantRepository } from './room-participant.repository.js';
import { SessionRepository } from './session.repository.js';
import { SsoRepository } from './sso.repository.js';
import { SettingsRepository } from './settings.repository.js';
import { StreamKeyRepository } from './stream-key.repository.js';
import { Transactor } from './transaction.js';
import { UserRepository } from './user.repository.js';
import { ViewingRepository } from './viewing.repository.js';

/** Every repository over one database, built once by the composition root. */
export function createRepositories(db: Kysely<DB>) {
  return {
    tx: new Transactor(db),
    users: new UserRepository(db),
    sessions: new SessionRepository(db),
    emailTokens: new EmailTokenRepository(db),
    mail: new MailRepository(db),
    settings: new SettingsRepository(db),
    audit: new AuditRepository(db),
    media: new MediaRepository(db),
    processing: new ProcessingRepository(db),
    captions: new CaptionRepository(db),
    quiz: new QuizRepository(db),
    viewing: new ViewingRepository(db),
    invites: new InviteRepository(db),
    grants: new GrantRepository(db),
    liveEvents: new LiveEventRepository(db),
    liveStreams: new LiveStreamRepository(db),
    roomLog: new RoomLogRepository(db),
    roomParticipants: new RoomParticipantRepository(db),
    roomContent: new RoomContentRepository(db),
    health: new HealthRepository(db),
    streamKeys: new StreamKeyRepository(db),
    eventReports: new EventReportRepository(db),
    apiTokens: new ApiTokenRepository(db),
    sso: new SsoRepository(db),
    quotas: new QuotaRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
