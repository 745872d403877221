"""The events a real run writes against the shared schema, read from packages/core's events.ts
(the file the server's zod validation is built from), so the two cannot drift apart silently."""

import io
import json
import re
from pathlib import Path

import pytest

from steper_trainer.events import EVENT_FIELDS, EventWriter
from steper_trainer.train import train

from conftest import base_config, events_of, write_config

EVENTS_TS = Path(__file__).resolve().parents[3] / 'packages' / 'core' / 'src' / 'types' / 'events.ts'


def ts_schema() -> dict[str, dict[str, str]]:
    """{event: {field: zod expression}} from events.ts's discriminated union."""
    text = EVENTS_TS.read_text()
    union = text[text.index('z.discriminatedUnion') :]
    schema = {}
    for block in union.split('z.object({')[1:]:
        name = re.search(r"event: z\.literal\('(\w+)'\)", block).group(1)
        fields = {'time': 'z.number()'}
        fields.update({m.group(1): m.group(2) for m in re.finditer(r'^\s*(\w+): (.+?),?$', block, re.M) if m.group(1) != 'event'})
        inline = re.findall(r"(\w+): (z\.\w+\(\))", block.split('\n')[0])  # one-line objects (error)
        fields.update({k: v for k, v in inline if k != 'event'})
        schema[name] = fields
    return schema


def check_value(value, zod: str, where: str) -> None:
    nullable = '.nullable()' in zod
    if value is None:
        assert nullable, f'{where} is null but not nullable ({zod})'
        return
    if zod.startswith('StageNumbers'):
        assert isinstance(value, dict) and set(value) == {'init', 'exp', 'agg'}, where
        for v in value.values():
            assert v is None or isinstance(v, (int, float)), where
    elif zod.startswith('z.record'):
        assert isinstance(value, dict), where
    elif zod.startswith('z.number'):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), where
        if '.int()' in zod:
            assert float(value).is_integer(), where
        if '.positive()' in zod:
            assert value > 0, where
        if '.nonnegative()' in zod:
            assert value >= 0, where
    elif zod.startswith('z.string'):
        assert isinstance(value, str), where
    elif zod.startswith('z.boolean'):
        assert isinstance(value, bool), where
    else:
        raise AssertionError(f'{where}: unknown zod type {zod}')


def test_field_lists_are_those_of_events_ts():
    schema = ts_schema()
    assert set(schema) == set(EVENT_FIELDS)
    for name, fields in EVENT_FIELDS.items():
        assert set(schema[name]) == {'time', *fields}, name


@pytest.fixture(scope='module')
def run_events(tmp_path_factory, tiny_model, dataset, eval_dataset):
    tmp = tmp_path_factory.mktemp('events')
    cfg = base_config(tmp, dataset, tiny_model, eval_data=str(eval_dataset), eval_every=2, checkpoint_every=2, max_steps=3)
    out = io.StringIO()
    train(write_config(tmp, cfg), events=EventWriter(stream=out))
    return events_of(out.getvalue()), tmp / 'run'


def test_a_run_writes_valid_events_only(run_events):
    events, run_dir = run_events
    schema = ts_schema()
    for i, event in enumerate(events):
        fields = schema[event['event']]
        assert set(event) == {'event', *fields}
        for key, zod in fields.items():
            check_value(event[key], zod, f'event {i} ({event["event"]}).{key}')
    kinds = [e['event'] for e in events]
    assert kinds[0] == 'start' and kinds[-1] == 'done'
    assert {'step', 'eval', 'checkpoint'} <= set(kinds)
    # the same lines are the run's metrics log
    logged = [json.loads(line) for line in (run_dir / 'events.jsonl').read_text().splitlines()]
    assert logged == events


def test_emit_refuses_fields_outside_the_schema():
    writer = EventWriter(stream=io.StringIO())
    with pytest.raises(ValueError, match="needs exactly"):
        writer.emit('error', message='x', extra=1)
    with pytest.raises(FloatingPointError, match='diverged'):
        writer.emit('done', step=1, bestCheckpoint=None, finalLoss=float('nan'))
