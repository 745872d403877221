"""Issue 19's GPU script runs end to end on CPU: the warm stage and both students trained from a
.tar.gz bundle, the run packed into pieces the device tool brings back, and unpacked here into the
same float16 weights."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'bench'))

from gpu_experiment import MANIFEST, RETURN_FILES, check_students_come_back, main, pack, unpack  # noqa: E402

from steper_trainer.config import ConfigError  # noqa: E402

REPO = Path(__file__).resolve().parents[3]


def make_bundle(tmp_path: Path, dataset: Path, eval_dataset: Path, model: Path, recipe: dict, weights: bool = True) -> Path:
    folder = tmp_path / 'bundle'
    (folder / 'student').mkdir(parents=True)
    for path in model.iterdir():
        if weights or path.name != 'model.safetensors':
            (folder / 'student' / path.name).write_bytes(path.read_bytes())
    (folder / 'warm').mkdir()
    (folder / 'warm' / 'rows.jsonl').write_bytes(dataset.read_bytes())
    (folder / 'train.jsonl').write_bytes(dataset.read_bytes())
    (folder / 'dev.jsonl').write_bytes(eval_dataset.read_bytes())
    (folder / 'recipe.json').write_text(json.dumps(recipe))
    (folder / 'bundle.json').write_text(json.dumps({'examplesSha256': 'abc'}))
    archive = tmp_path / 'bundle.tar.gz'
    with tarfile.open(archive, 'w:gz') as tar:
        tar.add(folder, arcname='bundle')
    return archive


TRAIN = dict(lr=3e-3, sigma_lr=0.05, epochs=1, batch_size=4, gradient_checkpointing=False, eval_every=0, checkpoint_every=0,
             warmup_ratio=0.0, max_seq_len=512, seed=7, max_steps=2, device='cpu')
WARM = {'name': 'reading', 'data': 'warm/rows.jsonl', 'config': {**TRAIN, 'lr': 1e-2, 'max_steps': 1}}
RECIPE = {'objectives': ['vanilla', 'steper-difficulty'], 'seed': 3, 'train': TRAIN, 'warm': [WARM]}


def test_trains_both_students_and_brings_the_run_back_in_pieces(tmp_path, dataset, eval_dataset, tiny_model):
    from transformers import AutoModelForCausalLM

    # A student without weights: drawn on the machine from its config and the recipe's seed.
    bundle = make_bundle(tmp_path, dataset, eval_dataset, tiny_model, RECIPE, weights=False)
    run = tmp_path / 'run'
    assert main(['train', '--bundle', str(bundle), '--out', str(run / 'experiment')]) == 0
    # Pieces of 128 KiB, so that the tiny run is cut as a real one is at 15 MiB.
    out = tmp_path / 'out'
    assert main(['pack', '--from', str(run), '--to', str(out), '--piece-bytes', str(128 * 1024)]) == 0
    sent = sorted(p.name for p in out.iterdir())
    assert MANIFEST in sent and 2 < len(sent) <= RETURN_FILES and all((out / p).stat().st_size <= 128 * 1024 for p in sent)
    assert json.loads((out / MANIFEST).read_text())['leftOut'] == []
    back = unpack(out, tmp_path / 'back') / 'experiment'

    runs = json.loads((back / 'runs.json').read_text())
    assert [(r['stage'], r['kind'], r['steps']) for r in runs] == [('reading', 'warm', 1), ('vanilla', 'student', 2), ('steper-difficulty', 'student', 2)]
    assert all(r['wallSeconds'] > 0 and r['finalLoss'] > 0 for r in runs)
    assert json.loads((back / 'bundle.json').read_text()) == {'examplesSha256': 'abc'}
    # The students started from the warm stage's model, not from the bundle's draw.
    warm_start = json.loads((back / 'vanilla.events.jsonl').read_text().splitlines()[0])['config']['config']['model']
    assert '/runs/warm-0/' in warm_start
    rebuilt = {}
    for objective in ('vanilla', 'steper-difficulty'):
        assert (back / f'{objective}.events.jsonl').read_text().count('"event": "done"') == 1
        model = AutoModelForCausalLM.from_pretrained(back / objective)
        assert next(model.parameters()).dtype == torch.float16
        rebuilt[objective] = model.state_dict()
        sent_weights = AutoModelForCausalLM.from_pretrained(run / 'experiment' / objective).state_dict()
        assert all(torch.equal(rebuilt[objective][k], sent_weights[k]) for k in sent_weights)
        assert (back / objective / 'tokenizer.json').is_file()
    # Both trained, and differently: the objectives are not the same run twice; and the drawn
    # weights are not the bundle's own student's (another seed).
    initial = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float16).state_dict()
    name = next(k for k in initial if k.endswith('mlp.down_proj.weight'))
    assert not torch.equal(rebuilt['vanilla'][name], rebuilt['steper-difficulty'][name])
    assert not torch.allclose(rebuilt['vanilla'][name].float(), initial[name].float(), atol=1e-2)


def test_unpacking_refuses_a_missing_or_altered_piece_and_packing_leaves_out_what_cannot_come_back(tmp_path):
    run = tmp_path / 'run'
    (run / 'student').mkdir(parents=True)
    (run / 'student' / 'weights.bin').write_bytes(os.urandom(300_000))
    (run / 'runs.json').write_text('[]')
    pieces = tmp_path / 'pieces'
    manifest = pack(run, pieces, piece_bytes=100_000)
    assert len(manifest['pieces']) == 4 and manifest['leftOut'] == []
    assert (unpack(pieces, tmp_path / 'ok') / 'student' / 'weights.bin').read_bytes() == (run / 'student' / 'weights.bin').read_bytes()

    second = pieces / manifest['pieces'][1]
    data = bytearray(second.read_bytes())
    data[5] ^= 1
    second.write_bytes(bytes(data))
    with pytest.raises(ValueError, match='do not match run.manifest.json'):
        unpack(pieces, tmp_path / 'bad')
    second.unlink()
    with pytest.raises(FileNotFoundError, match=r'piece\(s\) run.tar.gz.part001 missing'):
        unpack(pieces, tmp_path / 'bad2')

    # Over what the device tool returns (here 1 MiB + 250 kB, less a MiB kept spare): the largest
    # file stays behind and the manifest says so; the rest comes back.
    small = pack(run, tmp_path / 'small', piece_bytes=100_000, return_bytes=2**20 + 250_000)
    assert small['leftOut'] == ['student/weights.bin'] and small['files'] == ['runs.json']
    assert (unpack(tmp_path / 'small', tmp_path / 'partial') / 'runs.json').is_file()


@pytest.mark.parametrize(('recipe', 'message'), [
    ({**RECIPE, 'train': {**TRAIN, 'objective': 'vanilla'}}, 'recipe.json train sets objective'),
    ({**RECIPE, 'warm': [{**WARM, 'config': {**TRAIN, 'lr': -1}}]}, 'recipe.json warm "reading": config field "lr" = -1'),
    ({**RECIPE, 'warm': [{**WARM, 'data': 'warm/none.jsonl'}]}, r'warm\[0\] needs a name, a config and data that is a file'),
    ({**RECIPE, 'objectives': ['vanilla', 'steper']}, 'objectives'),
    ({**RECIPE, 'epochs': 3}, 'unknown field'),
])
def test_a_bad_recipe_is_refused_before_anything_trains(tmp_path, dataset, eval_dataset, tiny_model, recipe, message):
    bundle = make_bundle(tmp_path, dataset, eval_dataset, tiny_model, recipe)
    with pytest.raises(ConfigError, match=message):
        main(['train', '--bundle', str(bundle), '--out', str(tmp_path / 'out')])
    assert not (tmp_path / 'out' / 'runs.json').exists()


def test_the_device_command_runs_whole_on_cpu(tmp_path, dataset, eval_dataset, tiny_model):
    """bench/gpu/run.sh as the GPU machine runs it, reduced: the benchmark's rows, then the experiment."""
    recipe = {'objectives': ['vanilla'], 'seed': 3, 'train': {**TRAIN, 'max_steps': 1}}
    bundle = make_bundle(tmp_path, dataset, eval_dataset, tiny_model, recipe, weights=False)
    out = tmp_path / 'out'
    env = {**os.environ, 'OUT': str(out), 'PYTHON': sys.executable,
           'BENCH_ARGS': '--shape tiny --steps 1 --warmup 1 --rows 2 --seq-len 256 --questions 24'}
    done = subprocess.run(['bash', str(REPO / 'bench' / 'gpu' / 'run.sh'), str(bundle)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    # What comes back is the packed run: a manifest and its pieces, no more files than the tool returns.
    assert MANIFEST in {p.name for p in out.iterdir()} and len(list(out.iterdir())) <= RETURN_FILES
    back = unpack(out, tmp_path / 'back')
    assert json.loads((back / 'machine.json').read_text())['gpu'] == 'none (CPU)'
    assert [r['loop'] for r in json.loads((back / 'bench.json').read_text())][-1].startswith('trainer vanilla-KD')
    assert [r['stage'] for r in json.loads((back / 'experiment' / 'runs.json').read_text())] == ['vanilla']
    assert (back / 'experiment' / 'vanilla' / 'model.safetensors').is_file()
    assert 'packing' in (back / 'experiment.log').read_text()

    # A rerun that skips part 1 still trains and comes back.
    again = subprocess.run(['bash', str(REPO / 'bench' / 'gpu' / 'run.sh'), str(bundle)], env={**env, 'OUT': str(tmp_path / 'again'), 'BENCH_SECONDS': '0'},
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    rerun = unpack(tmp_path / 'again', tmp_path / 'rerun')
    assert 'bench.py skipped' in (rerun / 'bench.log').read_text() and not (rerun / 'bench.json').exists()
    assert (rerun / 'experiment' / 'vanilla' / 'model.safetensors').is_file()

    # Without a bundle it says what is missing, before spending any of the lease.
    missing = subprocess.run(['bash', str(REPO / 'bench' / 'gpu' / 'run.sh'), str(tmp_path / 'none.tar.gz')], env=env,
                             capture_output=True, text=True)
    assert missing.returncode == 2 and 'no bundle at' in missing.stderr


def test_students_too_large_to_come_back_are_refused_before_training(tmp_path):
    # 70 MiB of float32 weights: 35 MiB a student in float16, two of them over the 60 MiB that return.
    (tmp_path / 'model.safetensors').write_bytes(b'')
    os.truncate(tmp_path / 'model.safetensors', 70 * 2**20)
    check_students_come_back(tmp_path, 1)
    with pytest.raises(ConfigError, match='2 students of 35.0 MiB in float16 would not come back'):
        check_students_come_back(tmp_path, 2)
