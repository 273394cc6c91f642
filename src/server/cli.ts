import { parseArgs } from 'node:util';
import { openRuntime } from './bootstrap.js';
import { ConfigError } from './config.js';
import { isAppError } from './errors.js';
import { AuthService } from './services/auth.service.js';
import { MailService } from './services/mail.service.js';
import { OutboxMailer } from './adapters/mail/mailer.js';
import pino from 'pino';

const usage = `Usage:
  foyer admin create --email EMAIL --name NAME [--password PASSWORD]
      Creates a verified site admin (or makes an existing account admin).
      Without --password, the password is read from FOYER_ADMIN_PASSWORD.
  foyer migrate
      Brings the database schema up to date (the server also does this at start).`;

async function main(argv: string[]) {
  const [group, action, ...rest] = argv;
  if (group === 'migrate') {
    const rt = await openRuntime();
    await rt.close();
    console.log('Database is up to date.');
    return;
  }
  if (group === 'admin' && action === 'create') {
    const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } } });
    const password = values.password ?? process.env.FOYER_ADMIN_PASSWORD;
    if (!values.email || !values.name || !password) {
      console.error('admin create needs --email, --name and a password (--password or FOYER_ADMIN_PASSWORD).\n\n' + usage);
      process.exit(2);
    }
    if (password.length < 10) {
      console.error('The password must have at least 10 characters.');
      process.exit(2);
    }
    const rt = await openRuntime();
    try {
      const logger = pino({ level: 'silent' });
      const mail = new MailService({ db: rt.database.db, mailer: new OutboxMailer(logger), from: rt.config.mailFrom, clock: Date.now, logger });
      const auth = new AuthService({ db: rt.database.db, mail, clock: Date.now, publicUrl: rt.config.publicUrl, sessionTtlMs: rt.config.sessionTtlMs });
      const { user, created } = await auth.createAdmin({ email: values.email, name: values.name, password });
      console.log(created ? `Created site admin ${user.email}.` : `${user.email} already had an account; it is now a site admin.`);
    } finally {
      await rt.close();
    }
    return;
  }
  console.log(usage);
  process.exit(group ? 2 : 0);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else if (isAppError(err)) console.error(err.message, err.details ? JSON.stringify(err.details) : '');
  else console.error(err);
  process.exit(1);
});
