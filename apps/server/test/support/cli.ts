import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '../../src/paths';

export const CLI = 'apps/server/src/cli/main.ts';

/** The CLI as its own process: `node --import tsx …`, one process, so a signal reaches the job itself. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

export function runCli(args: string[], env?: Record<string, string>): Promise<CliResult> {
  return collect(spawnCli(args, env));
}
