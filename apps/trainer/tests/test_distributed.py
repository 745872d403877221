"""A 2-process data-parallel run on CPU (gloo), launched by `accelerate launch` as on a GPU
machine: it must give the losses and σ of one process taking the whole batch."""

import subprocess
import sys

import pytest
from accelerate.commands.config.config_args import load_config_from_file

from conftest import TRAINER_ROOT, base_config, events_of, trainer_env, write_config
from test_train import run, steps

ACCELERATE_CONFIGS = TRAINER_ROOT / 'configs' / 'accelerate'


def test_two_processes_match_one(tmp_path, tiny_model, dataset):
    # 3 questions a step over 2 processes × 2 micro-batches: one slot is empty and must still run
    common = dict(objective='steper-difficulty', epochs=1, batch_size=3, grad_accum=2, eval_fraction=0.2, eval_every=2, checkpoint_every=2)
    single = run(tmp_path, base_config(tmp_path / 'one', dataset, tiny_model, **common))
    config = write_config(tmp_path, base_config(tmp_path / 'two', dataset, tiny_model, **common), 'two.json')
    launched = subprocess.run(
        [sys.executable, '-m', 'accelerate.commands.launch', '--config_file', str(ACCELERATE_CONFIGS / 'ddp.yaml'),
         '--num_processes', '2', '--mixed_precision', 'no', '-m', 'steper_trainer', 'train', '--config', str(config)],
        capture_output=True, text=True, env=trainer_env(), cwd=TRAINER_ROOT, timeout=600,
    )
    assert launched.returncode == 0, launched.stderr[-3000:]
    events = events_of(launched.stdout)
    resolved = events[0]['config']['resolved']
    assert (resolved['worldSize'], resolved['backend'], resolved['distributed']) == (2, 'gloo', 'DistributedType.MULTI_CPU')
    # only the main process speaks: one start, one done
    assert [e['event'] for e in events].count('start') == 1 and [e['event'] for e in events].count('done') == 1
    two, one = steps(events), steps(single)
    assert [e['step'] for e in two] == [e['step'] for e in one]
    for a, b in zip(two, one):
        assert a['loss'] == pytest.approx(b['loss'], rel=1e-5)
        for stage in ('init', 'exp', 'agg'):
            assert a['stageLoss'][stage] == pytest.approx(b['stageLoss'][stage], rel=1e-5)
            assert a['sigma'][stage] == pytest.approx(b['sigma'][stage], rel=1e-5)
    evals = lambda evs: [e['evalLoss'] for e in evs if e['event'] == 'eval']  # noqa: E731
    assert evals(events) == pytest.approx(evals(single), rel=1e-5)


@pytest.mark.parametrize('name', ['ddp.yaml', 'deepspeed_zero3.yaml', 'fsdp.yaml'])
def test_shipped_accelerate_configs_load(name):
    config = load_config_from_file(str(ACCELERATE_CONFIGS / name))
    assert config.mixed_precision == 'bf16' and config.num_processes >= 1
