/**
 * Publish/subscribe between parts of Foyer and, with Redis, between server processes.
 * Messages are JSON-serialisable values; delivery is at-most-once (rooms restore from the database).
 * Subscribers in the publishing process always hear a message at once, whatever happens to the
 * other processes; `state` says whether the other processes can be reached.
 */
export type BusHandler = (message: unknown) => void;

/**
 * `up`: messages reach the other processes. `down`: they reach this process only (Redis is
 * unreachable); what the others missed is in the database. `connecting`: not connected yet.
 */
export type BusState = 'connecting' | 'up' | 'down';

export interface Bus {
  /** Delivers to this process's subscribers at once, then to the other processes when they can be reached. Never waits long, never rejects for an outage. */
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  readonly state: BusState;
  /** Called on every change of `state`; returns a function that stops it. */
  onStateChange(listener: (state: BusState) => void): () => void;
  close(): Promise<void>;
}

/** One process: handlers are called on the next tick with a structured clone, as Redis would deliver a copy. */
export class MemoryBus implements Bus {
  private readonly topics = new Map<string, Set<BusHandler>>();
  /** There are no other processes to lose. */
  readonly state: BusState = 'up';

  onStateChange(): () => void {
    return () => undefined;
  }

  async publish(topic: string, message: unknown): Promise<void> {
    const handlers = this.topics.get(topic);
    if (!handlers?.size) return;
    const json = JSON.stringify(message);
    queueMicrotask(() => {
      for (const h of handlers) h(JSON.parse(json));
    });
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(handler);
    return async () => {
      set!.delete(handler);
      if (set!.size === 0) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}

/** Topic on which access changes for one media item are announced (role change, revoke, media deleted). */
export const accessTopic = (mediaId: string) => `access:${mediaId}`;

/** Every access change of every media item, for listeners that cannot subscribe per item (live delivery's revocation set). */
export const accessChangesTopic = 'access:*';

/** Announces an access change on the media's topic and on the all-changes topic. */
export async function publishAccessChange(bus: Bus, message: AccessChanged): Promise<void> {
  await Promise.all([bus.publish(accessTopic(message.mediaId), message), bus.publish(accessChangesTopic, message)]);
}

/** What an access change says: which session or account changed, and the role it now holds (null = none). */
export interface AccessChanged {
  mediaId: string;
  sessionIds: string[];
  userIds: string[];
  role: string | null;
  reason: 'upgraded' | 'changed' | 'revoked' | 'media_deleted';
  /** Sessions replaced by a fresh one on an upgrade (old id -> new id): open connections move to the new id. */
  rotatedSessions?: Record<string, string>;
}
