import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { failFastRedisOptions, isConnectionError, openRedis, RedisMonitor } from '../redis/redis.js';
import type { Bus, BusHandler, BusState } from './bus.js';

export interface RedisBusOptions {
  /** Where Redis is: a URL, or a connection whose settings are copied. The bus always opens two connections of its own. */
  url?: string;
  connection?: Redis;
  /** Channel namespace, so several sites (or test runs) can share one Redis. */
  prefix?: string;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /**
   * The process's Redis monitor: one warning per outage for all its connections, and the heartbeat
   * that notices a Redis that stopped answering. The bus makes its own without one.
   */
  monitor?: RedisMonitor;
}

/** What goes over Redis: the sending bus and the message, so a bus skips its own (delivered at once already). */
interface Envelope {
  f: string;
  m: unknown;
}
const isEnvelope = (v: unknown): v is Envelope => typeof v === 'object' && v !== null && typeof (v as Envelope).f === 'string' && 'm' in v;

/** How long the first publishes and subscriptions of a new bus wait for its first connection attempt. */
const FIRST_CONNECT_WAIT_MS = 3_000;

/**
 * Redis pub/sub between server processes, local first: a message is handed to this process's own
 * subscribers at once, then published for the others. While Redis is unreachable publishing costs
 * nothing (no offline queue, no retries; a command to a Redis that stopped answering gives up after
 * 1 s), `state` is `down`, and the message reaches this process only; the others restore what they
 * missed from the database when the bus is `up` again (rooms do). Subscribing needs a connection of
 * its own (a subscribed connection takes no other commands); after a reconnect the bus subscribes to
 * every topic again before it says `up`, so nothing published after that moment is missed.
 * Delivery is at-most-once, like Redis pub/sub itself.
 */
export class RedisBus implements Bus {
  /** Names this bus in its messages. */
  readonly id = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly monitor: RedisMonitor;
  private readonly ownsMonitor: boolean;
  private readonly prefix: string;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  /** The SUBSCRIBE in flight per topic, so a second subscriber also waits until messages can arrive. */
  private readonly subscribing = new Map<string, Promise<unknown>>();
  private readonly stateListeners = new Set<(state: BusState) => void>();
  private current: BusState = 'connecting';
  /** Bumped on every connection loss: a resubscription that finishes after a later loss counts for nothing. */
  private generation = 0;
  private closed = false;
  /** Settles when the first connection attempt is over (up or down), so the first publishes and subscriptions are not lost to a race with it. */
  private readonly connected: Promise<void>;

  constructor(private readonly opts: RedisBusOptions) {
    if (!opts.connection && !opts.url) throw new Error('RedisBus needs a connection or a url');
    this.monitor = opts.monitor ?? new RedisMonitor(opts.logger);
    this.ownsMonitor = !opts.monitor;
    const own = { ...failFastRedisOptions, autoResubscribe: false, lazyConnect: false };
    this.pub = opts.connection ? opts.connection.duplicate(own) : openRedis(opts.url!, own);
    this.sub = this.pub.duplicate(own);
    this.prefix = opts.prefix ?? 'foyer:bus:';
    this.monitor.watch('bus publisher', this.pub);
    this.monitor.watch('bus subscriber', this.sub);
    for (const conn of [this.pub, this.sub]) {
      conn.on('ready', () => this.refresh());
      conn.on('close', () => this.lost());
    }
    this.sub.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    this.connected = new Promise<void>((resolve) => {
      const off = this.onStateChange(() => {
        off();
        clearTimeout(timer);
        resolve();
      });
      // bounded: a Redis that neither answers nor refuses does not hold up the first callers
      const timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
      timer.unref();
    });
  }

  /** Waits for the first connection attempt while it is under way (at most a few seconds, once). */
  private async settle(): Promise<void> {
    if (this.current === 'connecting') await this.connected;
  }

  get state(): BusState {
    return this.current;
  }

  onStateChange(listener: (state: BusState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(next: BusState): void {
    if (this.closed || next === this.current) return;
    this.current = next;
    for (const l of this.stateListeners) {
      try {
        l(next);
      } catch (err) {
        this.opts.logger?.error({ err }, 'redis bus state listener failed');
      }
    }
  }

  private lost(): void {
    this.generation++;
    this.setState('down');
  }

  /** Both connections are ready: subscribe to every topic again, then say `up`. */
  private refresh(): void {
    if (this.closed || this.current === 'up' || this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    const generation = this.generation;
    const channels = [...this.handlers.keys()].map((t) => this.prefix + t);
    const subscribed = channels.length ? this.sub.subscribe(...channels) : Promise.resolve();
    subscribed.then(
      () => {
        if (generation === this.generation && this.pub.status === 'ready' && this.sub.status === 'ready') this.setState('up');
      },
      (err) => this.failed(this.sub, err),
    );
  }

  /** A command failed: Redis is not reachable now. A connection that still looks ready reconnects. */
  private failed(conn: Redis, err: unknown): void {
    if (this.closed) return;
    if (!isConnectionError(err)) {
      this.opts.logger?.error({ err }, 'redis bus command failed');
      return;
    }
    this.monitor.noteError(err);
    this.lost();
    if (conn.status === 'ready') conn.disconnect(true);
  }

  private deliver(topic: string, message: unknown): void {
    const handlers = this.handlers.get(topic);
    if (!handlers?.size) return;
    for (const h of handlers) {
      try {
        h(message);
      } catch (err) {
        this.opts.logger?.error({ err, topic }, 'redis bus handler failed');
      }
    }
  }

  private dispatch(channel: string, raw: string): void {
    if (!channel.startsWith(this.prefix)) return;
    const topic = channel.slice(this.prefix.length);
    if (!this.handlers.get(topic)?.size) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.opts.logger?.warn({ channel }, 'redis bus: dropped a message that is not JSON');
      return;
    }
    if (!isEnvelope(parsed)) return this.deliver(topic, parsed);
    if (parsed.f === this.id) return;
    this.deliver(topic, parsed.m);
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.closed) return;
    const json = JSON.stringify(message);
    // this process first, at once and whatever Redis does (a copy, as Redis would deliver)
    if (this.handlers.get(topic)?.size) queueMicrotask(() => this.deliver(topic, JSON.parse(json)));
    await this.settle();
    if (this.current !== 'up' || this.closed) return;
    try {
      await this.pub.publish(this.prefix + topic, `{"f":${JSON.stringify(this.id)},"m":${json}}`);
    } catch (err) {
      this.failed(this.pub, err);
    }
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(topic);
    const first = !set;
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    await this.settle();
    // Commands on one connection run in order, so SUBSCRIBE/UNSUBSCRIBE follow the map's changes.
    // While not up, the handler is only recorded: the bus subscribes to every topic when it is back.
    if (first && this.current === 'up') this.subscribing.set(topic, this.sub.subscribe(this.prefix + topic).catch((err) => this.failed(this.sub, err)));
    await this.subscribing.get(topic);
    return async () => {
      const current = this.handlers.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(topic);
      this.subscribing.delete(topic);
      if (!this.closed && this.sub.status === 'ready') await this.sub.unsubscribe(this.prefix + topic).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.stateListeners.clear();
    this.monitor.unwatch(this.sub);
    this.monitor.unwatch(this.pub);
    if (this.ownsMonitor) this.monitor.close();
    await this.sub.quit().catch(() => this.sub.disconnect());
    await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
