import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smoke } from './lib/settings.ts';

// Runs every benchmark in this folder (not this file, not helpers in subfolders), one child process each,
// in name order. A benchmark prints its JSON result lines to stdout, which is passed through as is.

const here = fileURLToPath(import.meta.url);
const dir = dirname(here);
const timeoutMs = smoke ? 60_000 : 600_000;
const killGraceMs = 15_000;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function benchmarks(): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => e.name)
    .filter((name) => name !== basename(here))
    .sort();
}

/** Runs one benchmark; true when it exits 0 within the time limit. */
function run(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, name)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: process.env,
    });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${name} still running after ${timeoutMs / 1000} s; stopping it`);
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    }, timeoutMs);
    child.on('error', (error) => log(`${name} could not start: ${error.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (code !== 0) log(`${name} failed (${signal ? `signal ${signal}` : `exit code ${code}`})`);
      resolve(code === 0 && !timedOut);
    });
  });
}

const names = await benchmarks();
if (names.length === 0) {
  log(`no benchmarks found in ${dir}`);
  process.exit(1);
}
const failed: string[] = [];
for (const name of names) {
  const started = performance.now();
  log(`running ${name}${smoke ? ' (smoke)' : ''}`);
  if (await run(name)) log(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  else failed.push(name);
}
if (failed.length > 0) {
  log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
