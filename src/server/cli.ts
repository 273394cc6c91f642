import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError } from './config.js';
import { isAppError } from './errors.js';
import { openRuntime } from './runtime.js';

const usage = `Usage:
  foyer admin create --email EMAIL --name NAME [--password PASSWORD]
      Creates a verified site admin (or makes an existing account admin).
      Without --password, the password is read from FOYER_ADMIN_PASSWORD.
  foyer migrate
      Brings the database schema up to date (the server also does this at start).`;

async function main(argv: string[]) {
  const [group, action, ...rest] = argv;
  if (group === 'migrate') {
    const rt = await openRuntime({ logger: () => pino({ level: 'silent' }) });
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
    // The same composition root as the server; nothing is mailed (the admin is verified at once).
    const logger = pino({ level: 'silent' });
    const rt = await openRuntime({ logger: () => logger });
    try {
      const { user, created } = await rt.services.auth.createAdmin({ email: values.email, name: values.name, password });
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
