"""Shared fixtures: a small step-wise dataset shaped like the core builder's output, and a tiny
Qwen2 student (hidden 64, 2 layers) trained on it — built once per test session, no downloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAINER_ROOT = Path(__file__).resolve().parents[1]
PEOPLE = ['Aldo Brin', 'Mara Voss', 'Tomas Quill', 'Ines Harl', 'Odo Pym', 'Lena Sorn', 'Rik Tallo', 'Una Vell', 'Cato Mirr', 'Edda Fenn']
TOWNS = ['Varnholt', 'Quessa', 'Lintmoor', 'Ostrava Minor', 'Pellridge', 'Dunmar', 'Sallow', 'Kettering Vale', 'Brask', 'Orlin']


def ircot_prompt(passages: list[tuple[str, str]], question: str) -> str:
    blocks = ''.join(f'Wikipedia Title: {title}\n{text}\n\n' for title, text in passages)
    return f'{blocks}Q: Answer the following question by reasoning step-by-step.\n{question}\nA:'


def make_question(q: int, n_exp: int) -> list[dict]:
    """One question's examples: init, n_exp expansions, agg (as DESIGN.md §2 builds them)."""
    person, town, film = PEOPLE[q % len(PEOPLE)], TOWNS[q % len(TOWNS)], f'The Grey Harbour {q}'
    question = f'Where was the director of {film} born?'
    facts = [
        (film, f'{film} is a film directed by {person}.', f' {film} was directed by {person}.'),
        (person, f'{person} was born in {town}.', f' {person} was born in {town}.'),
        (town, f'{town} is a town on the river Ost.', f' {town} lies on the river Ost.'),
        (f'{person} (career)', f'{person} studied painting.', f' {person} studied painting first.'),
    ]
    rows, chain, passages = [], '', []
    steps = 1 + n_exp
    for s in range(1, steps + 1):
        passages.append(facts[(s - 1) % len(facts)][:2])
        known, chain = chain, chain + facts[(s - 1) % len(facts)][2]
        stage = 'init' if s == 1 else 'exp'
        rows.append(dict(
            id=f'q{q}:{stage}:{s}', questionId=f'q{q}', stage=stage, step=s, loop='ircot',
            prompt=ircot_prompt(passages, question), target=chain, knownPrefix=known, passageIds=[f'p{q}-{i}' for i in range(s)],
        ))
    t = steps + 1
    passages.append(facts[steps % len(facts)][:2])
    rows.append(dict(
        id=f'q{q}:agg:{t}', questionId=f'q{q}', stage='agg', step=t, loop='ircot', prompt=ircot_prompt(passages, question),
        target=chain + f' So the answer is: {town}.', knownPrefix=chain, passageIds=[f'p{q}-{i}' for i in range(t)],
    ))
    return rows


def write_dataset(path: Path, n_questions: int, offset: int = 0) -> Path:
    with path.open('w') as f:
        for q in range(offset, offset + n_questions):
            for row in make_question(q, n_exp=q % 3):
                f.write(json.dumps(row) + '\n')
    return path


@pytest.fixture(scope='session')
def dataset(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp('data') / 'steps.jsonl', 10)


@pytest.fixture(scope='session')
def eval_dataset(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp('data') / 'eval.jsonl', 3, offset=100)


@pytest.fixture(scope='session')
def tiny_model(tmp_path_factory, dataset) -> Path:
    from steper_trainer.tiny_model import make_tiny_model

    return make_tiny_model([dataset], tmp_path_factory.mktemp('models') / 'tiny', vocab_size=600, hidden_size=64, layers=2, seed=0)


def base_config(tmp_path: Path, dataset: Path, model: Path, **overrides) -> dict:
    cfg = dict(
        data=str(dataset), out_dir=str(tmp_path / 'run'), model=str(model), lr=3e-3, sigma_lr=0.05, epochs=1, batch_size=4,
        gradient_checkpointing=False, eval_every=0, checkpoint_every=0, warmup_ratio=0.0, max_seq_len=512, seed=7,
    )
    cfg.update(overrides)
    return cfg


def write_config(tmp_path: Path, cfg: dict, name: str = 'train.json') -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(cfg))
    return path


def trainer_env() -> dict[str, str]:
    env = dict(os.environ)
    env['PYTHONPATH'] = str(TRAINER_ROOT) + os.pathsep + env.get('PYTHONPATH', '')
    return env


def run_cli(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-m', 'steper_trainer', *args], capture_output=True, text=True, env=trainer_env(), cwd=TRAINER_ROOT, **kwargs)


def events_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]
