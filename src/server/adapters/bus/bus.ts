/**
 * Publish/subscribe between parts of Foyer and, with Redis, between server processes.
 * Messages are JSON-serialisable values; delivery is at-most-once (rooms restore from the database).
 */
export type BusHandler = (message: unknown) => void;

export interface Bus {
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** One process: handlers are called on the next tick with a structured clone, as Redis would deliver a copy. */
export class MemoryBus implements Bus {
  private readonly topics = new Map<string, Set<BusHandler>>();

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
