"""Config files: checked field by field; bad ones fail at once, with a clear message, writing nothing."""

import json
from pathlib import Path

import pytest

import steper_trainer.config as config_module
from steper_trainer.__main__ import main
from steper_trainer.config import ConfigError, TrainConfig, load_config

from conftest import base_config, events_of, write_config


def test_defaults_are_the_papers_settings(tmp_path):
    cfg = load_config(write_config(tmp_path, {'data': 'd.jsonl', 'out_dir': 'run', 'model': 'Qwen/Qwen2.5-0.5B-Instruct'}))
    assert (cfg.lr, cfg.epochs, cfg.lora, cfg.gradient_checkpointing, cfg.precision) == (5e-6, 2, False, True, 'auto')
    assert cfg.warmup_ratio > 0 and cfg.min_lr_ratio == 0.0
    assert cfg.objective == 'steper-difficulty' and cfg.resolved_step_config() == 'all'
    assert not cfg.mask_known_prefix and cfg.stage_mean == 'questions'
    # relative paths are taken from the config file's folder; a hub name stays a name
    assert cfg.data == str(tmp_path / 'd.jsonl') and cfg.out_dir == str(tmp_path / 'run')
    assert cfg.model == 'Qwen/Qwen2.5-0.5B-Instruct'


def test_yaml_and_every_field_has_a_comment(tmp_path):
    path = tmp_path / 'c.yaml'
    path.write_text('data: d.jsonl\nout_dir: run\nmodel: ./m\nobjective: steper-fixed\nstage_weights: [0.5, 1, 1.5]\n')
    cfg = load_config(path)
    assert cfg.stage_weights == [0.5, 1, 1.5] and cfg.model == str(tmp_path / 'm')
    lines = open(config_module.__file__).read().splitlines()
    for name in TrainConfig.__dataclass_fields__:
        at = next(i for i, row in enumerate(lines) if row.strip().startswith(f'{name}:'))
        # a comment on the line, on the line above, or after a multi-line default
        nearby = [lines[at], lines[at - 1].strip()[:1], *(row for row in lines[at + 1 : at + 3] if row.strip().startswith(')'))]
        assert any('#' in row for row in nearby), f'field {name} has no comment'


@pytest.mark.parametrize(
    ('change', 'message'),
    [
        ({'learning_rate': 1e-5}, "unknown config field\\(s\\) 'learning_rate'"),
        ({'objective': 'steper-magic'}, 'config field "objective" = \'steper-magic\': expected \'vanilla\''),
        ({'epochs': 1.5}, 'config field "epochs" = 1.5: expected int'),
        ({'lr': -1}, 'config field "lr" = -1.0: must be > 0'),
        ({'stage_weights': [1, 2]}, 'config field "stage_weights"'),
        ({'objective': 'vanilla', 'step_config': 'all'}, 'vanilla KD trains on the agg examples only'),
    ],
)
def test_bad_fields_are_named(tmp_path, change, message):
    cfg = {'data': 'd.jsonl', 'out_dir': 'run', 'model': 'm', **change}
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, cfg))


def test_missing_required_field_and_bad_syntax(tmp_path):
    with pytest.raises(ConfigError, match="missing required field\\(s\\) 'model'"):
        load_config(write_config(tmp_path, {'data': 'd.jsonl', 'out_dir': 'run'}))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"data": ')
    with pytest.raises(ConfigError, match='not valid JSON'):
        load_config(bad)


def run_main(args, capsys):
    code = main(args)
    return code, events_of(capsys.readouterr().out)


@pytest.mark.parametrize(
    ('change', 'message'),
    [
        ({'data': 'missing.jsonl'}, 'dataset file not found'),
        ({'objective': 'steper-magic'}, 'config field "objective"'),
        ({'data': 'empty.jsonl'}, 'dataset is empty'),
        ({'objective': 'vanilla', 'data': 'init-only.jsonl'}, "no training examples left in"),
    ],
)
def test_bad_run_fails_at_once_and_writes_nothing(tmp_path, capsys, tiny_model, dataset, change, message):
    (tmp_path / 'empty.jsonl').write_text('\n')
    init_only = [row for row in dataset.read_text().splitlines() if '"stage": "init"' in row]
    (tmp_path / 'init-only.jsonl').write_text('\n'.join(init_only) + '\n')
    cfg = base_config(tmp_path, dataset, tiny_model, **{k: (str(tmp_path / v) if k == 'data' else v) for k, v in change.items()})
    config = write_config(tmp_path, cfg)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, events = run_main(['train', '--config', str(config)], capsys)
    assert code == 2
    assert [e['event'] for e in events] == ['error'] and message in events[0]['message']
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no run folder, nothing written


def test_missing_config_file(tmp_path, capsys):
    code, events = run_main(['train', '--config', str(tmp_path / 'nope.yaml')], capsys)
    assert code == 2 and 'config file not found' in events[0]['message']


def test_a_second_run_into_the_same_folder_is_refused(tmp_path, capsys, tiny_model, dataset):
    config = write_config(tmp_path, base_config(tmp_path, dataset, tiny_model, max_steps=1))
    assert run_main(['train', '--config', str(config)], capsys)[0] == 0
    code, events = run_main(['train', '--config', str(config)], capsys)
    assert code == 2 and 'already holds a run' in events[0]['message']
    assert json.loads((tmp_path / 'run' / 'config.json').read_text())['resolved']['totalSteps'] == 1


@pytest.mark.parametrize('name', ['paper-steper.yaml', 'paper-vanilla.yaml', 'tiny-cpu.yaml'])
def test_shipped_configs_are_valid(name):
    cfg = load_config(Path(__file__).resolve().parents[1] / 'configs' / name)
    assert cfg.objective in ('vanilla', 'steper-difficulty')
    if name.startswith('paper'):
        assert (cfg.lr, cfg.epochs, cfg.gradient_checkpointing, cfg.lora) == (5e-6, 2, True, False)
