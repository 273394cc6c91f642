import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseS3Url, s3Client, S3Storage, type S3Location } from '../../src/server/adapters/storage/s3-storage.js';
import { freePort } from './redis-server.js';

const run = promisify(execFile);
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/s3-radosgw.sh');
const KEY = 'FOYERTESTKEY';
const SECRET = 'FOYERTESTSECRET';

/**
 * A real S3 server for a test file: `TEST_S3_ENDPOINT` (with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
 * when CI started one, else Ceph's radosgw started here on free ports (scripts/s3-radosgw.sh, ~15 s),
 * else none: `why` says what is missing, and the S3 tests skip with that reason printed.
 */
export class S3Server {
  private constructor(
    readonly endpoint: string,
    private readonly stateDir?: string,
  ) {}

  static available(): string | null {
    if (process.env.TEST_S3_ENDPOINT) return null;
    for (const bin of ['radosgw', 'ceph-mon', 'ceph-osd', 'monmaptool']) {
      if (!['/usr/bin', '/usr/sbin', '/bin'].some((d) => existsSync(path.join(d, bin)))) return `${bin} is not installed (apt-get install radosgw ceph-mon ceph-osd ceph-common; .ci/run does)`;
    }
    return null;
  }

  static async start(): Promise<S3Server> {
    if (process.env.TEST_S3_ENDPOINT) return new S3Server(process.env.TEST_S3_ENDPOINT);
    const dir = mkdtempSync(path.join(tmpdir(), 'foyer-rgw-'));
    const port = await freePort();
    await run('bash', [script, dir, String(port)], { timeout: 120_000 });
    process.env.AWS_ACCESS_KEY_ID ??= KEY;
    process.env.AWS_SECRET_ACCESS_KEY ??= SECRET;
    return new S3Server(`http://127.0.0.1:${port}`, dir);
  }

  get credentials() {
    return { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? KEY, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? SECRET };
  }

  /** A new, empty bucket; the storage over it; and its removal. */
  async bucket(name = `foyer-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`): Promise<{ url: string; loc: S3Location; storage: S3Storage; scratch: string; dispose(): Promise<void> }> {
    const url = `s3://${name}?endpoint=${encodeURIComponent(this.endpoint)}&region=us-east-1`;
    const loc = parseS3Url(url);
    const client = s3Client(loc, { credentials: this.credentials });
    await client.send(new CreateBucketCommand({ Bucket: name }));
    const scratch = mkdtempSync(path.join(tmpdir(), 'foyer-s3-scratch-'));
    const storage = new S3Storage(client, loc, scratch);
    return {
      url,
      loc,
      storage,
      scratch,
      async dispose() {
        await storage.removePrefix('');
        await client.send(new DeleteBucketCommand({ Bucket: name })).catch(() => undefined);
        client.destroy();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  }

  async stop(): Promise<void> {
    if (!this.stateDir) return;
    const runDir = path.join(this.stateDir, 'run');
    const pids = (existsSync(runDir) ? readdirSync(runDir).filter((n) => n.endsWith('.pid')) : []).map((f) => Number(readFileSync(path.join(runDir, f), 'utf8').trim()));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const signal = (sig: NodeJS.Signals) => pids.filter(alive).forEach((pid) => process.kill(pid, sig));
    signal('SIGTERM');
    // the OSD takes a few seconds to stop; then it is killed
    for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    signal('SIGKILL');
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
