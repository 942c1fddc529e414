import type { Command } from 'commander';
import { verifyInventory } from '../modules/inventory/service.ts';
import { asSystem } from '../platform/system-context.ts';
import type { CliContext } from './catalog.ts';

const SHOWN_MISMATCHES = 20;

/** `backroom inventory verify`: proves that a tenant's stock ledger and balances reconcile. */
export function inventoryCommands(program: Command, cli: CliContext): void {
  program
    .command('inventory')
    .description('Inspect stock')
    .command('verify')
    .description(
      'Check that every stock balance is the sum of its ledger movements and reservations; exit 1 if not',
    )
    .requiredOption('--tenant <merchant[/environment]>', 'for example demo')
    .action(async (options) => {
      const result = await cli.withPlatform(async (platform) => {
        const tenant = await cli.tenantNamed(platform, options.tenant);
        return asSystem(platform, tenant.id, 'cli:inventory-verify', (ctx) => verifyInventory(ctx));
      });
      const problems = [
        ...result.ledgerMismatches.map(
          (m) => `  ${m.storeId} ${m.productId} ${m.bucket}: balance ${m.balance}, ledger says ${m.ledger}`,
        ),
        ...result.reservationMismatches.map(
          (m) =>
            `  ${m.storeId} ${m.productId} reserved: balance ${m.reserved}, reservations hold ${m.heldByReservations}`,
        ),
      ];
      for (const m of result.overcommitted.slice(0, SHOWN_MISMATCHES)) {
        console.log(
          `Warning: ${m.storeId} ${m.productId} has ${m.reserved} reserved but ${m.onHand} on hand; some reservations cannot be filled.`,
        );
      }
      if (problems.length === 0) {
        console.log(
          `Inventory reconciles: ${result.balancesChecked} balances match the ledger and reservations.`,
        );
        return;
      }
      for (const line of problems.slice(0, SHOWN_MISMATCHES)) console.error(line);
      // Thrown, not `process.exitCode`: embedded PostgreSQL exits with 0 on beforeExit, which would override it.
      throw new Error(`Inventory does not reconcile: ${problems.length} mismatches.`);
    });
}
