import type { Media } from '../db/schema.js';
import type { Tx } from '../repositories/transaction.js';

/**
 * What one module tells the others, by name and payload. A module that reacts to an event
 * subscribes in its own constructor; the module that emits it knows nothing of who listens.
 */
export interface DomainEventMap {
  /** A new media row is stored and committed (the pipeline queues its processing). */
  'media.created': { media: Media };
  /**
   * A media item is being deleted, inside the deletion's transaction: handlers write through `trx`
   * only (invites end their grants) and must not call the network.
   */
  'media.deleting': { media: Media; trx: Tx };
  /** The deletion committed and the bytes are gone: for announcements and network calls. */
  'media.deleted': { media: Media };
}

export type DomainEventName = keyof DomainEventMap;
type Handler<K extends DomainEventName> = (payload: DomainEventMap[K]) => Promise<void> | void;

/**
 * In-process domain events. `emit` awaits every handler in the order they subscribed and fails
 * with the first handler that fails, so an in-transaction handler's error rolls the change back.
 * (Cross-process notices, such as access changes for open rooms, go over the Bus instead.)
 */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventName, Array<Handler<DomainEventName>>>();

  on<K extends DomainEventName>(name: K, handler: Handler<K>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as Handler<DomainEventName>);
    this.handlers.set(name, list);
  }

  async emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    for (const handler of this.handlers.get(name) ?? []) await handler(payload);
  }
}
