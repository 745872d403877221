"""Reading the step-wise dataset: bad lines are named, step configurations cut the right examples."""

import json

import pytest

from steper_trainer.data import DataError, group_by_question, is_held_out, read_step_dataset, select_step_config

from conftest import make_question


def write_rows(path, rows):
    path.write_text(''.join((r if isinstance(r, str) else json.dumps(r)) + '\n' for r in rows))
    return path


def test_reads_the_core_builder_fields(dataset):
    examples = read_step_dataset(dataset)
    first = examples[0]
    assert (first.id, first.question_id, first.stage, first.step, first.loop) == ('q0:init:1', 'q0', 'init', 1, 'ircot')
    assert first.prompt.endswith('\nA:') and first.target.startswith(' ')
    assert all(e.target.startswith(e.known_prefix) for e in examples)


@pytest.mark.parametrize(
    ('change', 'message'),
    [
        ({'stage': 'final'}, 'field "stage" must be one of'),
        ({'step': 0}, 'field "step" must be a positive integer'),
        ({'loop': 'react'}, 'field "loop" must be one of'),
        ({'passageIds': 'p1'}, 'field "passageIds" must be a list of strings'),
        ({'knownPrefix': ' not the start'}, 'field "knownPrefix" must be the start of "target"'),
    ],
)
def test_a_bad_field_names_line_and_field(tmp_path, change, message):
    rows = make_question(0, 1)
    rows[1] = {**rows[1], **change}
    with pytest.raises(DataError, match=rf'steps.jsonl:2: {message}'):
        read_step_dataset(write_rows(tmp_path / 'steps.jsonl', rows))


def test_missing_field_bad_json_and_duplicate_ids_are_named(tmp_path):
    rows = make_question(0, 1)
    missing = {k: v for k, v in rows[2].items() if k != 'target'}
    with pytest.raises(DataError, match=r':3: missing field "target"'):
        read_step_dataset(write_rows(tmp_path / 'a.jsonl', [rows[0], rows[1], missing]))
    with pytest.raises(DataError, match=r':2: not valid JSON'):
        read_step_dataset(write_rows(tmp_path / 'b.jsonl', [rows[0], '{"id": ']))
    with pytest.raises(DataError, match=r":2: field \"id\" 'q0:init:1' already used on line 1"):
        read_step_dataset(write_rows(tmp_path / 'c.jsonl', [rows[0], rows[0]]))


def test_empty_and_missing_files_are_refused(tmp_path):
    with pytest.raises(DataError, match='dataset is empty'):
        read_step_dataset(write_rows(tmp_path / 'empty.jsonl', []))
    with pytest.raises(DataError, match='dataset file not found'):
        read_step_dataset(tmp_path / 'nope.jsonl')


def test_step_configurations():
    examples = [e for q in range(3) for e in read_rows(make_question(q, n_exp=q))]
    stages = lambda cfg: sorted((e.question_id, e.stage, e.step) for e in select_step_config(examples, cfg))  # noqa: E731
    assert stages('agg') == [('q0', 'agg', 2), ('q1', 'agg', 3), ('q2', 'agg', 4)]
    kept = [(0, 'init', 1), (0, 'agg', 2), (1, 'init', 1), (1, 'agg', 3), (2, 'init', 1), (2, 'agg', 4)]
    assert stages('init+agg') == sorted((f'q{q}', s, n) for q, s, n in kept)
    # first exp only: q2 has exps at steps 2 and 3, keeps step 2
    assert ('q2', 'exp', 2) in stages('init+exp1+agg') and ('q2', 'exp', 3) not in stages('init+exp1+agg')
    assert len(stages('all')) == len(examples)


def test_groups_keep_a_question_together_in_step_order():
    examples = [e for q in (0, 2) for e in read_rows(make_question(q, n_exp=2))][::-1]
    groups = group_by_question(examples)
    assert list(groups) == ['q2', 'q0']
    assert [e.step for e in groups['q0']] == [1, 2, 3, 4]


def test_held_out_split_is_seeded_and_stable():
    ids = [f'q{i}' for i in range(1000)]
    held = [i for i in ids if is_held_out(i, 0.2, seed=1)]
    assert 150 < len(held) < 250
    assert held == [i for i in ids if is_held_out(i, 0.2, seed=1)]
    assert held != [i for i in ids if is_held_out(i, 0.2, seed=2)]
    assert not any(is_held_out(i, 0.0, seed=1) for i in ids)


def read_rows(rows):
    from steper_trainer.data import parse_example

    return [parse_example(r, f'row {i}') for i, r in enumerate(rows)]
