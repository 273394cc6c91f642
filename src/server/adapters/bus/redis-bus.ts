import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusHandler } from './bus.js';

export interface RedisBusOptions {
  /** A connection to publish on (shared with other users is fine); or give `url`. */
  publisher?: Redis;
  url?: string;
  /** Channel namespace, so several sites (or test runs) can share one Redis. */
  prefix?: string;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Redis pub/sub between server processes. Subscribing needs a connection of its own (a subscribed
 * Redis connection takes no other commands), so the bus keeps one, duplicated from the publisher.
 * Delivery is at-most-once, like Redis pub/sub itself: rooms restore anything missed from the database.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly ownsPublisher: boolean;
  private readonly prefix: string;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  /** The SUBSCRIBE in flight per topic, so a second subscriber also waits until messages can arrive. */
  private readonly subscribing = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly opts: RedisBusOptions) {
    if (!opts.publisher && !opts.url) throw new Error('RedisBus needs a publisher connection or a url');
    this.ownsPublisher = !opts.publisher;
    this.pub = opts.publisher ?? new Redis(opts.url!, { maxRetriesPerRequest: 2 });
    this.sub = this.pub.duplicate({ maxRetriesPerRequest: null });
    this.prefix = opts.prefix ?? 'foyer:bus:';
    const onError = (err: Error) => this.opts.logger?.warn({ err: err.message }, 'redis bus connection error');
    this.sub.on('error', onError);
    if (this.ownsPublisher) this.pub.on('error', onError);
    this.sub.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
  }

  private dispatch(channel: string, raw: string): void {
    if (!channel.startsWith(this.prefix)) return;
    const handlers = this.handlers.get(channel.slice(this.prefix.length));
    if (!handlers?.size) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      this.opts.logger?.warn({ channel }, 'redis bus: dropped a message that is not JSON');
      return;
    }
    for (const h of handlers) {
      try {
        h(message);
      } catch (err) {
        this.opts.logger?.error({ err, channel }, 'redis bus handler failed');
      }
    }
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.closed) return;
    await this.pub.publish(this.prefix + topic, JSON.stringify(message));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(topic);
    const first = !set;
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    // Commands on one connection run in order, so SUBSCRIBE/UNSUBSCRIBE follow the map's changes.
    if (first) this.subscribing.set(topic, this.sub.subscribe(this.prefix + topic));
    await this.subscribing.get(topic);
    return async () => {
      const current = this.handlers.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(topic);
      this.subscribing.delete(topic);
      if (!this.closed) await this.sub.unsubscribe(this.prefix + topic).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await this.sub.quit().catch(() => this.sub.disconnect());
    if (this.ownsPublisher) await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
