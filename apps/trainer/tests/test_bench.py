"""The GPU benchmark runs end to end on CPU (tiny shape, few steps), so its one command is known to work."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'bench'))

from bench import flops_per_token, main  # noqa: E402


def test_bench_runs_every_row_on_cpu(tmp_path, capsys):
    out = tmp_path / 'bench.json'
    assert main(['--shape', 'tiny', '--steps', '1', '--warmup', '1', '--rows', '2', '--seq-len', '256', '--questions', '24', '--out', str(out)]) == 0
    rows = json.loads(out.read_text())
    loops = [r['loop'] for r in rows]
    assert loops[0].startswith('plain HF, dense') and loops[1].startswith('plain HF, padded')
    assert any(name.startswith('trainer steper-difficulty, packed') for name in loops)
    assert any(name.startswith('trainer vanilla-KD') for name in loops)
    assert all(r['tokensPerSec'] > 0 and 'peakGiB' in r for r in rows)
    assert 'StepER cost per token over Vanilla-KD' in capsys.readouterr().out


def test_flops_per_token_is_6n_plus_attention():
    class Config:
        num_hidden_layers, hidden_size = 24, 896

    assert flops_per_token(Config, 494_000_000, 2048) == 6 * 494_000_000 + 12 * 24 * 896 * 2048
