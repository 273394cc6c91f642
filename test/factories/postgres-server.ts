import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './redis-server.js';

const BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((d) => existsSync(path.join(d, 'pg_ctl')));

/** PostgreSQL's own tools run as the `postgres` account (they refuse root). */
const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });

/**
 * A private PostgreSQL server of the test's own (initdb in a temp folder, its own port), which the test
 * stops and starts again — an outage — without touching the machine's shared server.
 */
export class PostgresServer {
  private running = false;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Whether this machine can run one (PostgreSQL's server binaries and the postgres account). */
  static available(): boolean {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
      return Boolean(BIN);
    } catch {
      return false;
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PostgresServer> {
    if (!BIN) throw new Error('PostgreSQL server binaries not found');
    const dir = mkdtempSync(path.join(tmpdir(), 'foyer-pg-'));
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
    asPostgres(path.join(BIN, 'initdb'), ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const server = new PostgresServer(await freePort(), dir);
    server.start();
    process.once('exit', () => server.stop());
    return server;
  }

  /** Starts the server (again, same port and data) and waits until it accepts connections. */
  start(): void {
    if (this.running) return;
    asPostgres(path.join(BIN!, 'pg_ctl'), ['-D', path.join(this.dir, 'data'), '-o', `-p ${this.port} -k ${this.dir} -c fsync=off`, '-l', path.join(this.dir, 'log'), '-w', 'start']);
    this.running = true;
  }

  /** The outage: a fast shutdown, every open connection is terminated. */
  stop(): void {
    if (!this.running) return;
    asPostgres(path.join(BIN!, 'pg_ctl'), ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    this.running = false;
  }

  dispose(): void {
    this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
