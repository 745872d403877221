"""Issue 19's GPU script runs end to end on CPU: both students trained from a .tar.gz bundle,
written back in pieces, and rebuilt here into the same float16 weights."""

import json
import sys
import tarfile
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'bench'))

from gpu_experiment import main, reassemble, write_pieces  # noqa: E402

from steper_trainer.config import ConfigError  # noqa: E402


def make_bundle(tmp_path: Path, dataset: Path, eval_dataset: Path, model: Path, recipe: dict) -> Path:
    folder = tmp_path / 'bundle'
    (folder / 'student').mkdir(parents=True)
    for path in model.iterdir():
        (folder / 'student' / path.name).write_bytes(path.read_bytes())
    (folder / 'train.jsonl').write_bytes(dataset.read_bytes())
    (folder / 'dev.jsonl').write_bytes(eval_dataset.read_bytes())
    (folder / 'recipe.json').write_text(json.dumps(recipe))
    archive = tmp_path / 'bundle.tar.gz'
    with tarfile.open(archive, 'w:gz') as tar:
        tar.add(folder, arcname='bundle')
    return archive


RECIPE = dict(lr=3e-3, sigma_lr=0.05, epochs=1, batch_size=4, gradient_checkpointing=False, eval_every=0, checkpoint_every=0,
              warmup_ratio=0.0, max_seq_len=512, seed=7, max_steps=2, device='cpu')


def test_trains_both_students_and_brings_them_back_in_pieces(tmp_path, dataset, eval_dataset, tiny_model):
    from transformers import AutoModelForCausalLM

    bundle = make_bundle(tmp_path, dataset, eval_dataset, tiny_model, RECIPE)
    out = tmp_path / 'out'
    # Pieces of 64 KiB, so that the tiny student's weights are cut as a real student's are at 15 MiB.
    assert main(['train', '--bundle', str(bundle), '--out', str(out), '--piece-bytes', str(64 * 1024)]) == 0

    runs = json.loads((out / 'runs.json').read_text())
    assert [r['objective'] for r in runs] == ['vanilla', 'steper-difficulty']
    assert all(r['steps'] == 2 and r['wallSeconds'] > 0 and r['finalLoss'] > 0 for r in runs)
    initial = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float16).state_dict()
    rebuilt = {}
    for objective in ('vanilla', 'steper-difficulty'):
        pieces = sorted(p.name for p in (out / objective).iterdir() if '.part' in p.name)
        assert len(pieces) > 2 and all((out / objective / p).stat().st_size <= 64 * 1024 for p in pieces)
        assert (out / f'{objective}.events.jsonl').read_text().count('"event": "done"') == 1
        folder = reassemble(out / objective, tmp_path / 'back' / objective)
        model = AutoModelForCausalLM.from_pretrained(folder)
        assert next(model.parameters()).dtype == torch.float16
        rebuilt[objective] = model.state_dict()
        assert (folder / 'tokenizer.json').is_file()
    # Both trained, and differently: the objectives are not the same run twice.
    name = next(k for k in initial if k.endswith('mlp.down_proj.weight'))
    assert not torch.equal(rebuilt['vanilla'][name], initial[name])
    assert not torch.equal(rebuilt['vanilla'][name], rebuilt['steper-difficulty'][name])


def test_reassembly_refuses_a_missing_or_altered_piece(tmp_path):
    folder = tmp_path / 'model'
    folder.mkdir()
    (folder / 'weights.bin').write_bytes(bytes(range(256)) * 1000)
    pieces = tmp_path / 'pieces'
    manifest = write_pieces(folder, pieces, piece_bytes=100_000)
    assert [len(f['pieces']) for f in manifest['files']] == [3]
    assert (reassemble(pieces, tmp_path / 'ok') / 'weights.bin').read_bytes() == (folder / 'weights.bin').read_bytes()

    second = pieces / manifest['files'][0]['pieces'][1]
    data = bytearray(second.read_bytes())
    data[5] ^= 1
    second.write_bytes(bytes(data))
    with pytest.raises(ValueError, match='weights.bin: reassembled 256000 bytes do not match'):
        reassemble(pieces, tmp_path / 'bad')
    second.unlink()
    with pytest.raises(FileNotFoundError, match=r'weights.bin: piece\(s\) weights.bin.part001 missing'):
        reassemble(pieces, tmp_path / 'bad2')


def test_a_recipe_that_sets_what_the_experiment_sets_is_refused(tmp_path, dataset, eval_dataset, tiny_model):
    bundle = make_bundle(tmp_path, dataset, eval_dataset, tiny_model, {**RECIPE, 'objective': 'vanilla'})
    with pytest.raises(ConfigError, match='recipe.json sets objective'):
        main(['train', '--bundle', str(bundle), '--out', str(tmp_path / 'out')])
