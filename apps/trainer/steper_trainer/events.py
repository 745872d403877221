"""Trainer → server events: one JSON object per line on stdout, fields exactly as
packages/core/src/types/events.ts (TrainerEventSchema, validated there with zod). Every event is
also appended to <runDir>/events.jsonl, the run's metrics log. Logs go to stderr, never stdout.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import IO, Any

# The keys of each event, as in events.ts; `emit` refuses anything else.
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    'start': ('runDir', 'config', 'totalSteps', 'device', 'resumedFromStep'),
    'step': ('step', 'epoch', 'loss', 'stageLoss', 'sigma', 'sigmaNorm', 'lr', 'tokensPerSec'),
    'eval': ('step', 'evalLoss', 'stageLoss', 'best'),
    'checkpoint': ('step', 'path', 'best'),
    'budget': ('step', 'totalSteps', 'secondsPerStep', 'maxSeconds'),
    'done': ('step', 'bestCheckpoint', 'finalLoss'),
    'error': ('message',),
}
STAGE_KEYS = ('init', 'exp', 'agg')


def stage_numbers(values: Any | None, present: Any | None = None) -> dict[str, float | None]:
    """{init, exp, agg} from 3 numbers; null where there is no value or the stage is absent."""
    out: dict[str, float | None] = {}
    for j, key in enumerate(STAGE_KEYS):
        keep = values is not None and (present is None or bool(present[j]))
        out[key] = float(values[j]) if keep else None
    return out


class EventWriter:
    def __init__(self, stream: IO[str] | None = None, enabled: bool = True):
        self.stream = stream if stream is not None else sys.stdout
        self.enabled = enabled  # only the main process of a multi-process run speaks
        self.log_path: Path | None = None

    def attach(self, run_dir: Path) -> None:
        self.log_path = run_dir / 'events.jsonl'

    def emit(self, event: str, **fields: Any) -> dict[str, Any]:
        expected = EVENT_FIELDS[event]
        if set(fields) != set(expected):
            raise ValueError(f'event {event!r} needs exactly {expected}, got {tuple(fields)}')
        record = {'event': event, 'time': time.time(), **{k: fields[k] for k in expected}}
        for key in ('loss', 'evalLoss', 'finalLoss'):
            value = record.get(key)
            if value is not None and not math.isfinite(value):
                raise FloatingPointError(f'{key} is {value} at step {record.get("step")}: training diverged')
        if not self.enabled:
            return record
        line = json.dumps(record, allow_nan=False)
        print(line, file=self.stream, flush=True)
        if self.log_path is not None:
            with self.log_path.open('a', encoding='utf-8') as log:
                log.write(line + '\n')
        return record
