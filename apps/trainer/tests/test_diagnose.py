"""The diagnosis of a student: greedy next-step accuracy per stage and the in-context copy ratio."""

import io
import json
import subprocess
import sys

import pytest
import torch

from steper_trainer.diagnose import diagnose, main
from steper_trainer.events import EventWriter
from steper_trainer.train import train

from conftest import TRAINER_ROOT, base_config, trainer_env, write_config


def test_a_student_that_memorised_its_steps_gets_them_right_and_a_random_one_does_not(tmp_path, tiny_model, dataset):
    before = diagnose(str(tiny_model), str(dataset), per_stage=5, max_new_tokens=24)
    assert all(before['nextStep'][s]['right'] == 0 for s in ('init', 'exp', 'agg'))
    assert before['nextStep']['init']['examples'] == 5
    # Random weights: the second showing of a passage is as hard to predict as the first.
    assert before['copy']['ratio'] == pytest.approx(1.0, abs=0.15)

    cfg = base_config(tmp_path, dataset, tiny_model, objective='steper-uniform', epochs=40, lr=1e-2, batch_size=5, warmup_ratio=0.0)
    train(write_config(tmp_path, cfg), events=EventWriter(stream=io.StringIO()))
    model = next((tmp_path / 'run' / 'checkpoints').glob('step-*')) / 'model'
    after = diagnose(str(model), str(dataset), per_stage=5, max_new_tokens=24)
    right = {s: after['nextStep'][s]['right'] for s in ('init', 'exp', 'agg')}
    assert sum(right.values()) >= 6 and all(right[s] >= 1 for s in right), right
    assert after['nextStep']['init']['sample']['want'] == 'The Grey Harbour 0 was directed by Aldo Brin.'
    assert set(after['copy']) == {'firstLoss', 'againLoss', 'ratio'}


def test_a_missing_file_is_named():
    r = subprocess.run(
        [sys.executable, '-m', 'steper_trainer.diagnose', '--model', '/nowhere/model', '--examples', '/nowhere/x.jsonl'],
        capture_output=True,
        text=True,
        env=trainer_env(),
        cwd=TRAINER_ROOT,
    )
    assert r.returncode == 2 and 'diagnose: --model /nowhere/model does not exist' in r.stderr


def test_copy_rows_probe_reports_both_halves(tmp_path, tiny_model, capsys):
    rows = tmp_path / 'copy.jsonl'
    row = {'questionId': 'c', 'stage': 'agg', 'step': 1, 'loop': 'ircot', 'prompt': '', 'knownPrefix': '', 'passageIds': []}
    rows.write_text('\n'.join(json.dumps({**row, 'id': f'c{i}', 'target': f'{w}\n{w}'}) for i, w in enumerate(['Mara Voss born', 'Quessa river 19 9'])) + '\n')
    assert main(['--model', str(tiny_model), '--copy-rows', str(rows)]) == 0
    out = json.loads(capsys.readouterr().out)
    probe = out['copyRows']
    assert probe['rows'] == 2 and probe['firstLoss'] > 0 and probe['againLoss'] > 0
    assert probe['ratio'] == pytest.approx(probe['againLoss'] / probe['firstLoss'])
    assert 'nextStep' not in out
    with pytest.raises(SystemExit):
        main(['--model', str(tiny_model)])  # neither --examples nor --copy-rows


def test_gapped_copy_rows_score_the_target_after_its_prompt_against_alone(tmp_path, tiny_model, capsys):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    prompt, target = 'river Voss 19 Mara Quessa born 9 river\n', 'Mara Quessa born'
    rows = tmp_path / 'gapped.jsonl'
    row = {'id': 'g', 'questionId': 'g', 'stage': 'agg', 'step': 1, 'loop': 'ircot', 'knownPrefix': '', 'passageIds': []}
    rows.write_text(json.dumps({**row, 'prompt': prompt, 'target': target}) + '\n')
    assert main(['--model', str(tiny_model), '--copy-rows', str(rows)]) == 0
    probe = json.loads(capsys.readouterr().out)['copyRows']
    # Checked against transformers' own shifted loss; both skip the target's first token.
    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()
    p, t = tok(prompt, add_special_tokens=False).input_ids, tok(target, add_special_tokens=False).input_ids
    with torch.no_grad():
        alone = model(torch.tensor([t]), labels=torch.tensor([[-100] + t[1:]])).loss.item()
        after = model(torch.tensor([p + t]), labels=torch.tensor([[-100] * (len(p) + 1) + t[1:]])).loss.item()
    assert probe['firstLoss'] == pytest.approx(alone, rel=1e-4)
    assert probe['againLoss'] == pytest.approx(after, rel=1e-4)


def test_copy_range_gives_a_ratio_per_distance(tmp_path, tiny_model, capsys):
    rows = tmp_path / 'copy.jsonl'
    row = {'questionId': 'c', 'stage': 'agg', 'step': 1, 'loop': 'ircot', 'prompt': '', 'knownPrefix': '', 'passageIds': []}
    words = 'Mara Voss born Quessa river north bank tower bridge Leira Dunmore market harbor 19 9 west east mill field stone road hill lake'
    rows.write_text(json.dumps({**row, 'id': 'c0', 'target': f'{words}\n{words}'}) + '\n')
    assert main(['--model', str(tiny_model), '--copy-range', str(rows)]) == 0
    out = json.loads(capsys.readouterr().out)['copyRange']
    assert out['gapWords'] == [0, 10, 25, 75, 150, 300, 500]
    # A random model copies nothing: the second showing costs about what the first does.
    assert set(out['ratio']) == {str(g) for g in out['gapWords']}
    assert all(0.8 < r < 1.25 for r in out['ratio'].values()), out['ratio']
