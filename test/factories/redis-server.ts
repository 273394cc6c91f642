import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the caller to bind). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private `redis-server` process of the test's own, on a port of its own, that the test stops and
 * starts again (an outage) without touching the machine's shared Redis. Nothing is persisted.
 *
 *   const redis = await RedisServer.start();
 *   ... REDIS_URL: redis.url ...
 *   await redis.stop();   // the outage: the process is gone, every connection drops
 *   await redis.start();  // back, same port, empty
 *   redis.pause();        // or: the process hangs (SIGSTOP), connections stay open and nothing answers
 *   redis.resume();
 *   await redis.dispose();
 */
export class RedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  /** Starts the process (again) and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // never outlive the test process, even when its clean-up did not run (a hook that timed out)
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${this.port}: ${out}`)), 15_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${out}`));
      });
    });
    // keep draining its output so the pipe never fills
    child.stdout!.resume();
    child.stderr!.resume();
  }

  /** Stops the process (SIGKILL: every client connection drops at once) and resolves once it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the process (SIGSTOP): sockets stay open, nothing is answered — a hung Redis or a black-holed network. */
  pause(): void {
    if (!this.child?.kill('SIGSTOP')) throw new Error('redis-server is not running');
  }

  /** Lets a paused process go on (SIGCONT). */
  resume(): void {
    if (!this.child?.kill('SIGCONT')) throw new Error('redis-server is not running');
  }

  async dispose(): Promise<void> {
    this.child?.kill('SIGCONT');
    await this.stop();
  }
}
