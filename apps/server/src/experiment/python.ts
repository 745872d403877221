import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../errors';
import { TRAINER_PROJECT } from '../paths';

const PYTHON = join(TRAINER_PROJECT, '.venv', 'bin', 'python');
const OFFLINE_ENV = { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', PYTHONUNBUFFERED: '1' };

const cannotStart = (e: Error) =>
  new UserError(
    'PRECONDITION_FAILED',
    `Cannot start the trainer (${PYTHON}): ${e.message}. Create it with \`uv sync --project apps/trainer\`.`,
  );

/**
 * The trainer's own interpreter (apps/trainer/.venv), offline: no model is ever downloaded.
 * Resolves with the end of its standard output (the last 64 KiB).
 */
export function trainerPython(args: string[], opts: { signal?: AbortSignal } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, {
      cwd: TRAINER_PROJECT,
      env: { ...process.env, ...OFFLINE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A cancelled job stops its interpreter too (SIGTERM).
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out = (out + d).slice(-65_536);
    });
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    child.once('error', (e) => reject(cannotStart(e)));
    child.once('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`python ${args.slice(0, 2).join(' ')} failed (${code}): ${err}`)),
    );
  });
}

const MARK = '@@steper-export ';

// The trainer's own export function in one long-lived interpreter: the ONNX exporter's first call
// costs ~15 s of set-up, every later one ~7 s, so a comparison of several students pays it once.
const EXPORT_LOOP = `
import json, sys
from steper_trainer.export import export
for line in sys.stdin:
    req = json.loads(line)
    try:
        # Evaluation reads fp32 only; constant folding alone keeps small exports quick.
        export(req['checkpoint'], req['out'], ['onnx'], variants=['fp32'], optimize='fold')
        reply = {'ok': True}
    except Exception as err:
        reply = {'ok': False, 'error': f'{type(err).__name__}: {err}'}
    print(${JSON.stringify(MARK)} + json.dumps(reply), flush=True)
`;

/**
 * Exports checkpoints to ONNX (`python -m steper_trainer export --formats onnx`, the same
 * function) through one trainer interpreter kept open while exports keep coming: it ends once it
 * has been idle for `idleMs`, and never keeps the server or CLI process alive by itself.
 */
export class OnnxExporter {
  private child: ChildProcess | null = null;
  private pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly idleMs = 60_000) {}

  private start(): ChildProcess {
    if (this.child && this.child.exitCode === null) return this.child;
    const child = spawn(PYTHON, ['-c', EXPORT_LOOP], {
      cwd: TRAINER_PROJECT,
      env: { ...process.env, ...OFFLINE_ENV },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(MARK)) return;
      const reply = JSON.parse(line.slice(MARK.length)) as { ok: boolean; error?: string };
      const next = this.pending.shift();
      if (reply.ok) next?.resolve();
      else next?.reject(new Error(`ONNX export failed: ${reply.error}`));
      this.sleepWhenIdle();
    });
    const fail = (e: Error) => {
      for (const p of this.pending.splice(0)) p.reject(e);
      if (this.child === child) this.child = null;
    };
    child.once('error', (e) => fail(cannotStart(e)));
    child.once('close', (code) =>
      fail(new Error(`the ONNX export process exited (${code}): ${this.stderr}`)),
    );
    this.child = child;
    return child;
  }

  /** Between exports the interpreter holds no handle the event loop waits on. */
  private sleepWhenIdle(): void {
    const child = this.child;
    if (!child || this.pending.length > 0) return;
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.unref();
    this.idle = setTimeout(() => void this.close(), this.idleMs);
    this.idle.unref();
  }

  export(checkpoint: string, out: string): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const child = this.start();
    child.ref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { ref?: () => void } | null)?.ref?.();
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin!.write(`${JSON.stringify({ checkpoint, out })}\n`);
    });
  }

  /** Ends the interpreter (it finishes the export in hand first). */
  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const closed = new Promise<void>((r) => child.once('close', () => r()));
    child.stdin!.end();
    await closed;
  }
}

let shared: OnnxExporter | null = null;

/** The process' exporter: experiments and analyses run one after another share its set-up. */
export function sharedExporter(): OnnxExporter {
  shared ??= new OnnxExporter();
  return shared;
}
