import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AppWithMerchant } from './app.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `backroom …` as its own process (`node src/main.ts …`) against the test database; each call resolves with
 * the exit code and what was printed, whatever the exit code.
 */
export function backroomCli(setup: AppWithMerchant): (...args: string[]) => Promise<CliRun> {
  return (...args) => {
    const env = { ...process.env, DATABASE_URL: setup.t.databaseUrl, LOG_LEVEL: 'silent' };
    return new Promise((done) => {
      execFile(NODE, ['src/main.ts', ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      });
    });
  };
}

/** Writes `lines` to the file `name` in `dir`, each line ended by a newline; answers the file's path. */
export async function writeLines(dir: string, name: string, lines: readonly string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}
