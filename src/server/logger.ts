import pino, { type DestinationStream, type Logger } from 'pino';

/** Invite and verification tokens travel in URLs: logs keep only their first characters. */
export const redactUrl = (url: string): string =>
  url.replace(/\/i\/[A-Za-z0-9_-]+/, '/i/[redacted]').replace(/([?&]token=)[^&]+/, '$1[redacted]');

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
    level,
    redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url), ip: req.ip }),
    },
    },
    destination,
  );
}
