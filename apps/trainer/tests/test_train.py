"""Training runs on CPU with the tiny student: every objective, resume after a kill, extension,
eval and the best checkpoint, LoRA."""

import io
import json
import math
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from steper_trainer import train as train_module
from steper_trainer.checkpoint import latest_checkpoint
from steper_trainer.events import EventWriter
from steper_trainer.train import TimeBudget, train

from conftest import TRAINER_ROOT, base_config, events_of, trainer_env, write_config

STAGES = ('init', 'exp', 'agg')


def run(tmp_path, cfg, **kwargs):
    out = io.StringIO()
    train(write_config(tmp_path, cfg), events=EventWriter(stream=out), **kwargs)
    return events_of(out.getvalue())


def steps(events):
    return [e for e in events if e['event'] == 'step']


def expected_loss(event, objective, weights=(1.5, 1.0, 0.5)):
    """Eq. 3 / Eq. 4 recomputed from the event's own stage losses and σ."""
    L = event['stageLoss']
    if objective == 'vanilla':
        return L['agg']
    if objective == 'steper-uniform':
        return sum(L[s] or 0.0 for s in STAGES) / 3
    if objective == 'steper-fixed':
        return sum(w * (L[s] or 0.0) for w, s in zip(weights, STAGES)) / 3
    total = 0.0
    for s in STAGES:
        if L[s] is not None:
            log_var = math.log(event['sigma'][s] ** 2)
            total += 0.5 * math.exp(-log_var) * L[s] + 0.5 * log_var
    return total


@pytest.mark.parametrize(
    ('objective', 'extra', 'trained'),
    [
        ('vanilla', {}, {'agg'}),
        ('steper-uniform', {'gradient_checkpointing': True}, {'init', 'exp', 'agg'}),
        ('steper-fixed', {'stage_weights': [0.5, 1.0, 1.5], 'step_config': 'init+agg'}, {'init', 'agg'}),
        ('steper-difficulty', {'step_config': 'init+exp1+agg', 'mask_known_prefix': True, 'grad_accum': 2}, {'init', 'exp', 'agg'}),
        ('steper-difficulty', {'stage_mean': 'examples', 'packing': False}, {'init', 'exp', 'agg'}),
    ],
)
def test_every_objective_trains_and_logs_its_own_loss(tmp_path, tiny_model, dataset, objective, extra, trained):
    cfg = base_config(tmp_path, dataset, tiny_model, objective=objective, max_steps=3, **extra)
    events = run(tmp_path, cfg)
    logged = steps(events)
    assert [e['step'] for e in logged] == [1, 2, 3]
    for e in logged:
        assert {s for s in STAGES if e['stageLoss'][s] is not None} <= trained
        assert e['stageLoss']['agg'] is not None  # every batch has each question's agg example
        weights = extra.get('stage_weights', (1.5, 1.0, 0.5))
        assert e['loss'] == pytest.approx(expected_loss(e, objective, weights), rel=1e-5)
        assert e['tokensPerSec'] > 0 and e['lr'] > 0
    if objective == 'steper-difficulty':
        assert all(e['sigma'][s] is not None for s in trained for e in logged)
        assert logged[0]['sigma'] == {'init': 1.0, 'exp': 1.0, 'agg': 1.0}  # s_j = 0 at start
        assert logged[-1]['sigma']['agg'] != 1.0  # σ has its own learning rate and moves
        assert sum(logged[-1]['sigmaNorm'].values()) == pytest.approx(1.0)
    else:
        assert all(e['sigma'] == {'init': None, 'exp': None, 'agg': None} for e in logged)
    assert events[-1]['event'] == 'done' and events[-1]['finalLoss'] == logged[-1]['loss']
    resolved = json.loads((tmp_path / 'run' / 'config.json').read_text())
    step_config = extra.get('step_config') or ('agg' if objective == 'vanilla' else 'all')
    assert resolved['config']['objective'] == objective and resolved['resolved']['stepConfig'] == step_config


def test_the_student_learns(tmp_path, tiny_model, dataset):
    cfg = base_config(tmp_path, dataset, tiny_model, objective='steper-uniform', epochs=4, lr=1e-2, batch_size=5)
    logged = steps(run(tmp_path, cfg))
    first, last = logged[:2], logged[-2:]
    assert sum(e['loss'] for e in last) < 0.7 * sum(e['loss'] for e in first)
    lrs = [e['lr'] for e in logged]
    assert lrs[0] == pytest.approx(1e-2) and lrs[-1] < lrs[len(lrs) // 2] < lrs[0]  # cosine decay


def launch(config: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, '-m', 'steper_trainer', 'train', '--config', str(config), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=trainer_env(), cwd=TRAINER_ROOT,
    )


def test_resume_after_kill_gives_identical_losses(tmp_path, tiny_model, dataset):
    common = dict(objective='steper-difficulty', epochs=2, batch_size=2, grad_accum=2, eval_fraction=0.2, eval_every=2, checkpoint_every=3, warmup_ratio=0.2)
    straight = run(tmp_path, base_config(tmp_path / 'a', dataset, tiny_model, **common))
    total = straight[0]['totalSteps']

    config = write_config(tmp_path, base_config(tmp_path / 'b', dataset, tiny_model, **common), 'killed.json')
    proc = launch(config)
    for line in proc.stdout:
        event = json.loads(line)
        if event['event'] == 'checkpoint' and event['step'] >= 3:
            proc.send_signal(signal.SIGKILL)  # no chance to clean up: as a crash or an OOM kill
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    # resumed in this process, as the uninterrupted run was (same threads, same arithmetic)
    events = run(tmp_path, json.loads(config.read_text()), resume=True)
    k = events[0]['resumedFromStep']
    assert 3 <= k < total
    after = steps(events)
    assert [e['step'] for e in after] == list(range(k + 1, total + 1))
    expected = {e['step']: e for e in steps(straight)}
    for e in after:
        ref = expected[e['step']]
        for key in ('loss', 'stageLoss', 'sigma', 'sigmaNorm', 'lr', 'epoch'):
            assert e[key] == ref[key], f'step {e["step"]}: {key} differs after resume'
    evals = lambda evs: [(e['step'], e['evalLoss'], e['best']) for e in evs if e['event'] == 'eval' and e['step'] > k]  # noqa: E731
    assert evals(events) == evals(straight)
    assert events[-1]['finalLoss'] == straight[-1]['finalLoss']


def test_extend_a_finished_run_by_more_epochs(tmp_path, tiny_model, dataset):
    cfg = base_config(tmp_path, dataset, tiny_model, objective='steper-difficulty', epochs=1, batch_size=5, warmup_ratio=0.5)
    first = run(tmp_path, cfg)
    done_at = first[-1]['step']
    again = run(tmp_path, cfg, resume=True)  # nothing left to do
    assert [e['event'] for e in again] == ['start', 'done'] and again[0]['resumedFromStep'] == done_at
    more = run(tmp_path, cfg, extend_epochs=2)
    assert more[0]['resumedFromStep'] == done_at and more[0]['totalSteps'] == 3 * done_at
    extended = steps(more)
    assert [e['step'] for e in extended] == list(range(done_at + 1, 3 * done_at + 1))
    assert extended[0]['epoch'] > 1.0
    # a new warm-up + cosine segment starts where the first run ended
    assert extended[0]['lr'] == pytest.approx(cfg['lr'] / math.ceil(0.5 * 2 * done_at))
    assert extended[0]['sigma'] == steps(first)[-1]['sigma'] or extended[0]['sigma'] != {'init': 1.0, 'exp': 1.0, 'agg': 1.0}
    resolved = json.loads((tmp_path / 'run' / 'config.json').read_text())['config']
    assert resolved['epochs'] == 3 and resolved['lr_restart_step'] == done_at


def test_a_time_budget_cuts_the_run_to_the_steps_that_fit(tmp_path, tiny_model, dataset):
    # A budget spent by the first step: the run stops there, says so in a budget event, and still
    # ends with its checkpoint.
    cfg = base_config(tmp_path, dataset, tiny_model, objective='vanilla', epochs=20, batch_size=2, max_steps=30, max_seconds=1e-3)
    events = run(tmp_path, cfg)
    cut = [e for e in events if e['event'] == 'budget']
    assert len(cut) == 1 and cut[0]['step'] == 1 and cut[0]['totalSteps'] == 1 and cut[0]['secondsPerStep'] > 0
    assert [e['step'] for e in steps(events)] == [1]
    assert events[-1]['event'] == 'done' and events[-1]['step'] == 1
    assert latest_checkpoint(tmp_path / 'run').name == f'step-{1:07d}'
    # A budget that fits the whole run changes nothing.
    roomy = run(tmp_path, {**cfg, 'out_dir': str(tmp_path / 'roomy'), 'max_seconds': 1e6})
    assert not [e for e in roomy if e['event'] == 'budget'] and roomy[-1]['step'] == 30


def test_the_time_budget_decides_after_its_timed_steps(monkeypatch):
    # One second a step, the first one five (compiling): timed from the end of the first step, so
    # at step 9 (1 + 8 timed) the budget of 30 s has 17 left, 17 more steps.
    clock = iter([0.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0])
    monkeypatch.setattr(train_module.time, 'perf_counter', lambda: next(clock))
    budget = TimeBudget(30.0, first_step=0)
    decisions = [budget.steps_that_fit(step) for step in range(1, 10)]
    assert decisions[:8] == [TimeBudget.NOT_YET] * 8 and decisions[8] == 9 + 17
    assert budget.per_step == 1.0


def test_a_moved_run_goes_on_where_it_now_is(tmp_path, tiny_model, dataset):
    cfg = base_config(tmp_path, dataset, tiny_model, objective='vanilla', epochs=1, batch_size=5)
    done_at = run(tmp_path, cfg)[-1]['step']
    (tmp_path / 'run').rename(tmp_path / 'moved')
    more = run(tmp_path, {**cfg, 'out_dir': str(tmp_path / 'moved')}, extend_epochs=1)
    assert more[0]['resumedFromStep'] == done_at and more[0]['runDir'] == str(tmp_path / 'moved')
    assert not (tmp_path / 'run').exists()
    assert (tmp_path / 'moved' / 'checkpoints' / f'step-{2 * done_at:07d}').is_dir()


def test_eval_and_best_checkpoint(tmp_path, tiny_model, dataset, eval_dataset):
    cfg = base_config(
        tmp_path, dataset, tiny_model, objective='vanilla', epochs=2, batch_size=2, eval_data=str(eval_dataset),
        eval_every=3, checkpoint_every=4, keep_last=1, lr=2e-2,
    )
    events = run(tmp_path, cfg)
    evals = [e for e in events if e['event'] == 'eval']
    total = events[0]['totalSteps']
    assert [e['step'] for e in evals] == sorted({*range(3, total + 1, 3), total})
    best_so_far = math.inf
    for e in evals:
        assert e['best'] == (e['evalLoss'] < best_so_far)
        best_so_far = min(best_so_far, e['evalLoss'])
        assert e['stageLoss']['init'] is not None  # held-out loss covers every stage, even for vanilla
        assert e['evalLoss'] == e['stageLoss']['agg']
    best_step = max(e['step'] for e in evals if e['best'])
    done = events[-1]
    best = tmp_path / 'run' / 'checkpoints' / 'best'
    assert done['bestCheckpoint'] == str(best)
    kept = sorted(p.name for p in (tmp_path / 'run' / 'checkpoints').iterdir())
    assert kept == ['best', f'step-{total:07d}']  # keep_last 1, and the best model beside it
    assert json.loads((best / 'best.json').read_text()) == {'step': best_step, 'evalLoss': best_so_far}
    saved = json.loads((best / 'train_config.json').read_text())
    assert saved['config']['objective'] == 'vanilla' and saved['resolved']['totalSteps'] == total
    assert (best / 'model' / 'model.safetensors').is_file() and (best / 'model' / 'tokenizer.json').is_file()


def test_checkpoints_keep_their_cadence_when_evals_find_new_bests(tmp_path, tiny_model, dataset, eval_dataset):
    """checkpoint_every 10 with eval_every 5: step checkpoints at 10, 20, … and the end only; every
    new best eval loss replaces the one best/ folder rather than adding a checkpoint."""
    cfg = base_config(
        tmp_path, dataset, tiny_model, objective='vanilla', epochs=2, batch_size=1, eval_data=str(eval_dataset),
        eval_every=5, checkpoint_every=10, keep_last=100, lr=2e-2,
    )
    events = run(tmp_path, cfg)
    total = events[0]['totalSteps']
    assert total == 20
    checkpoints = [e for e in events if e['event'] == 'checkpoint']
    assert [e['step'] for e in checkpoints if not e['best']] == [10, 20]
    root = tmp_path / 'run' / 'checkpoints'
    assert sorted(p.name for p in root.iterdir()) == ['best', 'step-0000010', 'step-0000020']
    bests = [e for e in events if e['event'] == 'eval' and e['best']]
    assert bests[0]['step'] == 5  # the first eval is always a new best: once it wrote step-0000005
    assert [(e['step'], e['path']) for e in checkpoints if e['best']] == [(e['step'], str(root / 'best')) for e in bests]
    assert json.loads((root / 'best' / 'best.json').read_text())['step'] == bests[-1]['step']
    # best/ is no resume point: a resume goes on from the newest step checkpoint.
    assert latest_checkpoint(tmp_path / 'run') == root / 'step-0000020'


def test_lora_trains_adapters_only(tmp_path, tiny_model, dataset):
    cfg = base_config(
        tmp_path, dataset, tiny_model, objective='steper-uniform', lora=True, lora_r=4, lora_alpha=8, max_steps=2, lr=1e-2,
        lora_target_modules=['q_proj', 'v_proj'],
    )
    events = run(tmp_path, cfg)
    ckpt = Path(next(e['path'] for e in events if e['event'] == 'checkpoint'))
    assert (ckpt / 'model' / 'adapter_config.json').is_file()
    adapters = load_file(ckpt / 'model' / 'adapter_model.safetensors')
    assert adapters and all('lora_' in k for k in adapters)
    assert any(k.endswith('lora_B.weight') and v.abs().sum() > 0 for k, v in adapters.items())  # B starts at 0; it moved
    base = load_file(Path(tiny_model) / 'model.safetensors')
    state = torch.load(ckpt / 'state' / 'pytorch_model.bin', weights_only=True)
    frozen = {k.removeprefix('lm.base_model.model.'): v for k, v in state.items() if 'lora_' not in k and k.startswith('lm.')}
    frozen = {k.replace('.base_layer', ''): v for k, v in frozen.items()}
    for name, weight in base.items():
        assert torch.equal(frozen[name], weight), f'{name} changed under LoRA'


def test_sigterm_cancels_with_an_error_event(tmp_path, tiny_model, dataset, capsys):
    """How the server cancels a job: SIGTERM → an `error` event, exit 130, checkpoints intact."""
    import os
    import threading

    from steper_trainer.__main__ import main

    config = write_config(tmp_path, base_config(tmp_path, dataset, tiny_model, epochs=200, checkpoint_every=1))
    timer = threading.Timer(4.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        code = main(['train', '--config', str(config)])
    finally:
        timer.cancel()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    events = events_of(capsys.readouterr().out)
    assert code == 130
    assert events[-1]['event'] == 'error' and 'cancelled by signal SIGTERM' in events[-1]['message']
    assert 'done' not in [e['event'] for e in events]
