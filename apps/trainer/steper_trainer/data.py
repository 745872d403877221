"""The step-wise dataset: JSON lines of StepExample as the core step-data builder writes them
(packages/core/src/types/stepdata.ts), checked line by line, then cut to a step configuration
and split into training and held-out questions."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

STAGES = ('init', 'exp', 'agg')
LOOPS = ('ircot', 'self-ask', 'single-step', 'no-retrieval')


class DataError(ValueError):
    """A dataset the trainer refuses; the message names the file, line and field."""


@dataclass(frozen=True)
class StepExample:
    id: str
    question_id: str
    stage: str  # 'init' | 'exp' | 'agg'
    step: int
    loop: str
    prompt: str
    target: str
    known_prefix: str
    passage_ids: tuple[str, ...]


# field -> (check, what the field must be)
_FIELDS = {
    'id': (lambda v: isinstance(v, str), 'a string'),
    'questionId': (lambda v: isinstance(v, str) and v != '', 'a non-empty string'),
    'stage': (lambda v: v in STAGES, "one of 'init', 'exp', 'agg'"),
    'step': (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, 'a positive integer'),
    'loop': (lambda v: v in LOOPS, f'one of {", ".join(map(repr, LOOPS))}'),
    'prompt': (lambda v: isinstance(v, str), 'a string'),
    'target': (lambda v: isinstance(v, str) and v != '', 'a non-empty string'),
    'knownPrefix': (lambda v: isinstance(v, str), 'a string'),
    'passageIds': (lambda v: isinstance(v, list) and all(isinstance(p, str) for p in v), 'a list of strings'),
}


def parse_example(row: object, where: str) -> StepExample:
    if not isinstance(row, dict):
        raise DataError(f'{where}: expected a JSON object (one StepExample per line)')
    for name, (ok, what) in _FIELDS.items():
        if name not in row:
            raise DataError(f'{where}: missing field "{name}"')
        if not ok(row[name]):
            raise DataError(f'{where}: field "{name}" must be {what}, got {row[name]!r:.80}')
    if not row['target'].startswith(row['knownPrefix']):
        raise DataError(f'{where}: field "knownPrefix" must be the start of "target" (the part of the chain already known)')
    return StepExample(
        id=row['id'], question_id=row['questionId'], stage=row['stage'], step=row['step'], loop=row['loop'],
        prompt=row['prompt'], target=row['target'], known_prefix=row['knownPrefix'], passage_ids=tuple(row['passageIds']),
    )


def read_step_dataset(path: str | Path) -> list[StepExample]:
    path = Path(path)
    if not path.is_file():
        raise DataError(f'dataset file not found: {path}')
    examples: list[StepExample] = []
    first_line: dict[str, int] = {}
    with path.open(encoding='utf-8') as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f'{path}:{number}'
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f'{where}: not valid JSON ({err.msg} at column {err.colno})') from err
            example = parse_example(row, where)
            if example.id in first_line:
                raise DataError(f'{where}: field "id" {example.id!r} already used on line {first_line[example.id]}')
            first_line[example.id] = number
            examples.append(example)
    if not examples:
        raise DataError(f'dataset is empty: {path} has no examples')
    return examples


def select_step_config(examples: list[StepExample], step_config: str) -> list[StepExample]:
    """§6.1 step configurations: {agg}, {init, agg}, {init, first exp, agg}, all."""
    if step_config == 'all':
        return list(examples)
    if step_config == 'agg':
        return [e for e in examples if e.stage == 'agg']
    if step_config == 'init+agg':
        return [e for e in examples if e.stage in ('init', 'agg')]
    if step_config == 'init+exp1+agg':
        first_exp: dict[str, int] = {}
        for e in examples:
            if e.stage == 'exp':
                first_exp[e.question_id] = min(e.step, first_exp.get(e.question_id, e.step))
        return [e for e in examples if e.stage != 'exp' or e.step == first_exp[e.question_id]]
    raise ValueError(f'unknown step configuration {step_config!r}')


def group_by_question(examples: list[StepExample]) -> dict[str, list[StepExample]]:
    """Questions in first-seen order, each with its examples in step order."""
    groups: dict[str, list[StepExample]] = defaultdict(list)
    for e in examples:
        groups[e.question_id].append(e)
    for group in groups.values():
        group.sort(key=lambda e: (e.step, STAGES.index(e.stage)))
    return dict(groups)


def is_held_out(question_id: str, fraction: float, seed: int) -> bool:
    """A seeded hash, not a shuffle: a question stays on its side when the dataset grows."""
    digest = hashlib.sha256(f'{seed}:{question_id}'.encode()).digest()
    return int.from_bytes(digest[:8], 'big') / 2**64 < fraction
