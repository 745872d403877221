"""Issue 19's GPU-sized experiment, the part that runs on the lent GPU machine (Python, no network,
no Node): the warm-start stages, then each objective's student trained from the warmed model on
step data built here, each written as a float16 model folder; then everything the run wrote,
packed as one .tar.gz cut into pieces the device tool brings back (at most 8 files of 16 MiB,
64 MiB in all). `unpack` rebuilds the run folder here, where the ONNX export and the evaluation
run (`steper experiment --trained-on`).

    python apps/trainer/bench/gpu_experiment.py train --bundle BUNDLE --out RUN/experiment
    python apps/trainer/bench/gpu_experiment.py pack --from RUN --to $OUT
    python apps/trainer/bench/gpu_experiment.py unpack --pieces $OUT --to RUN

BUNDLE (`steper experiment --gpu-bundle`) is a folder or a .tar.gz holding:
    train.jsonl    step examples (the core builder's output) of the training questions
    dev.jsonl      optional: held-out step examples, for the eval loss
    student/       the initial student: config.json and tokenizer; without weights the weights are
                   drawn here from the config (torch.manual_seed(seed), as tiny_model does), so a
                   10-30M-parameter student travels in kilobytes
    warm/*.jsonl   optional: the warm-start stages' rows (copy curricula, reading), trained in order
    recipe.json    {"objectives": [...], "seed": N, "train": {TrainConfig fields the objectives
                   share}, "warm": [{"name", "data", "config"}]}; data, eval_data, model, out_dir
                   and objective are set here
    bundle.json    optional: what the bundle was built from, copied out for the evaluation's checks
Every stage's summary (wall time, optimizer steps, final training loss) goes to runs.json, its
events to <stage>.events.jsonl, each student to <objective>/. Every config is checked before the
first stage trains: a lease is too short to lose to a typo in the last one.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from steper_trainer.config import ConfigError, config_from_dict  # noqa: E402
from steper_trainer.events import EventWriter  # noqa: E402
from steper_trainer.export import TOKENIZER_FILES, find_model_folder, load_for_export  # noqa: E402
from steper_trainer.train import train  # noqa: E402

OBJECTIVES = ('vanilla', 'steper-uniform', 'steper-fixed', 'steper-difficulty')
# What the device tool brings back from $OUT: at most 8 files of 16 MiB, 64 MiB in all.
RETURN_FILES = 8
RETURN_BYTES = 64 * 2**20
PIECE_BYTES = 15 * 2**20
ARCHIVE = 'run.tar.gz'
MANIFEST = 'run.manifest.json'
SET_HERE = ('data', 'eval_data', 'model', 'out_dir', 'objective')
WEIGHT_FILES = ('model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin')


def open_bundle(bundle: Path, work: Path) -> Path:
    """The bundle's folder: itself, or a .tar.gz unpacked (into its one top folder, if it has one)."""
    if bundle.is_dir():
        return bundle
    if not bundle.is_file():
        raise ConfigError(f'the bundle {bundle} does not exist')
    root = work / 'bundle'
    with tarfile.open(bundle) as tar:
        tar.extractall(root, filter='data')
    entries = list(root.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else root


def stage_config(raw: dict, where: str, **set_here):
    """A stage's TrainConfig: the recipe's fields and the paths set here, checked now."""
    clash = sorted(set(raw) & set(SET_HERE))
    if clash:
        raise ConfigError(f'recipe.json {where} sets {", ".join(clash)}: the experiment sets those itself')
    try:
        return config_from_dict({**raw, **{k: v for k, v in set_here.items() if v is not None}})
    except ConfigError as err:
        raise ConfigError(f'recipe.json {where}: {err}') from None


def read_recipe(bundle: Path) -> dict:
    for need in ('train.jsonl', 'student/config.json', 'recipe.json'):
        if not (bundle / need).exists():
            raise ConfigError(f'the bundle {bundle} has no {need}')
    recipe = json.loads((bundle / 'recipe.json').read_text())
    unknown = sorted(set(recipe) - {'objectives', 'seed', 'train', 'warm'})
    if unknown:
        raise ConfigError(f'recipe.json: unknown field(s) {", ".join(unknown)}; known: objectives, seed, train, warm')
    objectives = recipe.get('objectives', ['vanilla', 'steper-difficulty'])
    bad = [o for o in objectives if o not in OBJECTIVES]
    if not objectives or bad or len(set(objectives)) < len(objectives):
        raise ConfigError(f'recipe.json objectives {objectives}: each once, from {", ".join(OBJECTIVES)}')
    warm = recipe.get('warm', [])
    for i, stage in enumerate(warm):
        if not {'name', 'data', 'config'} <= set(stage) or not (bundle / stage['data']).is_file():
            raise ConfigError(f'recipe.json warm[{i}] needs a name, a config and data that is a file of the bundle')
    return {'objectives': objectives, 'seed': int(recipe.get('seed', 0)), 'train': recipe.get('train', {}), 'warm': warm}


def initial_student(bundle: Path, work: Path, seed: int) -> Path:
    """The bundle's student/, or, when it carries no weights, the same folder with weights drawn
    from its config."""
    student = bundle / 'student'
    if any((student / name).is_file() for name in WEIGHT_FILES):
        return student
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    out = work / 'init'
    out.mkdir(parents=True, exist_ok=True)
    config = AutoConfig.from_pretrained(student)
    torch.manual_seed(seed)
    AutoModelForCausalLM.from_config(config).save_pretrained(out, safe_serialization=True)
    for path in student.iterdir():
        if path.name != 'config.json' and path.is_file():
            shutil.copy2(path, out / path.name)
    return out


def _archive(folder: Path, path: Path, leave_out: set[str]) -> list[str]:
    kept = []
    with tarfile.open(path, 'w:gz', compresslevel=6) as tar:
        for file in sorted(p for p in folder.rglob('*') if p.is_file()):
            rel = file.relative_to(folder).as_posix()
            if rel not in leave_out:
                tar.add(file, arcname=rel)
                kept.append(rel)
    return kept


def pack(folder: Path, out: Path, piece_bytes: int = PIECE_BYTES, return_bytes: int = RETURN_BYTES) -> dict:
    """Everything under `folder` as one .tar.gz cut into `piece_bytes` pieces in `out`, and a
    manifest (size and sha256 of the whole). When it would not come back whole, the largest files
    are left out, largest first, and the manifest names them: the logs and figures still return."""
    out.mkdir(parents=True, exist_ok=True)
    files = sorted((p for p in folder.rglob('*') if p.is_file()), key=lambda p: p.stat().st_size, reverse=True)
    leave_out: set[str] = set()
    with tempfile.TemporaryDirectory(prefix='steper-pack-') as tmp:
        archive = Path(tmp) / ARCHIVE
        while True:
            kept = _archive(folder, archive, leave_out)
            size = archive.stat().st_size
            pieces = max(1, -(-size // piece_bytes))
            if (pieces + 1 <= RETURN_FILES and size <= return_bytes - 2**20) or len(leave_out) == len(files):
                break
            leave_out.add(files[len(leave_out)].relative_to(folder).as_posix())
        data = archive.read_bytes()
    names = []
    for i in range(pieces):
        names.append(f'{ARCHIVE}.part{i:03d}')
        (out / names[-1]).write_bytes(data[i * piece_bytes : (i + 1) * piece_bytes])
    manifest = {'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(), 'pieces': names,
                'files': kept, 'leftOut': sorted(leave_out)}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + '\n')
    return manifest


def unpack(pieces: Path, to: Path) -> Path:
    """The run folder back from `pack`'s pieces; the archive's size and sha256 checked first."""
    manifest_file = pieces / MANIFEST
    if not manifest_file.is_file():
        raise FileNotFoundError(f'{pieces} has no {MANIFEST}: not the pieces of a packed run')
    manifest = json.loads(manifest_file.read_text())
    missing = [p for p in manifest['pieces'] if not (pieces / p).is_file()]
    if missing:
        raise FileNotFoundError(f'piece(s) {", ".join(missing)} missing from {pieces}')
    data = b''.join((pieces / p).read_bytes() for p in manifest['pieces'])
    if len(data) != manifest['bytes'] or hashlib.sha256(data).hexdigest() != manifest['sha256']:
        raise ValueError(f'the pieces in {pieces} make {len(data)} bytes that do not match {MANIFEST} (size or sha256)')
    to.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode='r:gz') as tar:
        tar.extractall(to, filter='data')
    return to


def check_students_come_back(model: Path, students: int) -> None:
    """Refused before any training: students whose float16 weights would not come back whole
    (64 MiB less 4 for logs and events; gpuBundle.ts refuses them by the same bound when it builds)."""
    fp32 = sum(p.stat().st_size for p in model.glob('*.safetensors'))
    if fp32 // 2 * students > RETURN_BYTES - 4 * 2**20:
        raise ConfigError(f'{students} students of {fp32 / 2 / 2**20:.1f} MiB in float16 would not come back '
                          f'(the device tool returns {RETURN_BYTES // 2**20} MiB in all): train fewer objectives or a smaller student')


def half_precision_copy(model_folder: Path, out: Path) -> Path:
    """The trained student (LoRA adapters merged) as float16 safetensors with its tokenizer: half
    the bytes to carry back, and the folder the export reads here."""
    import torch

    load_for_export(model_folder).to(torch.float16).save_pretrained(out, safe_serialization=True)
    for name in TOKENIZER_FILES:
        if (model_folder / name).is_file():
            shutil.copy2(model_folder / name, out / name)
    return out


def run(bundle: Path, out: Path) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='steper-gpu-') as tmp:
        work = Path(tmp)
        root = open_bundle(bundle, work)
        recipe = read_recipe(root)
        if (root / 'bundle.json').is_file():
            shutil.copy2(root / 'bundle.json', out / 'bundle.json')
        dev = root / 'dev.jsonl'
        runs = work / 'runs'
        # (stage name, config), every one built and checked before anything trains.
        plan = [
            (w['name'], stage_config(w['config'], f'warm "{w["name"]}"', data=str(root / w['data']), model='-',
                                     out_dir=str(runs / f'warm-{i}'), objective='vanilla'))
            for i, w in enumerate(recipe['warm'])
        ] + [
            (o, stage_config(recipe['train'], 'train', data=str(root / 'train.jsonl'), model='-', out_dir=str(runs / o),
                             objective=o, eval_data=str(dev) if dev.exists() else None))
            for o in recipe['objectives']
        ]
        model = initial_student(root, work, recipe['seed'])
        check_students_come_back(model, len(recipe['objectives']))
        summaries = []
        for name, cfg in plan:
            is_student = name in recipe['objectives']
            cfg.model = str(model)
            started = time.perf_counter()
            with (out / f'{name}.events.jsonl').open('w') as log:
                result = train(cfg, events=EventWriter(log))
            wall = time.perf_counter() - started
            trained = find_model_folder(cfg.out_dir)
            summary = {'stage': name, 'kind': 'student' if is_student else 'warm', 'wallSeconds': round(wall, 1),
                       'steps': result['step'], 'finalLoss': result['finalLoss']}
            if is_student:
                half = half_precision_copy(trained, out / name)
                summary['bytes'] = sum(p.stat().st_size for p in half.iterdir() if p.is_file())
            else:
                model = trained  # the next warm stage, and every student, start from here
            summaries.append(summary)
            (out / 'runs.json').write_text(json.dumps(summaries, indent=1) + '\n')
            print(f'[gpu-experiment] {name}: {wall:.1f} s, {result["step"]} steps, final loss {result["finalLoss"]}', flush=True)
        return summaries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    t = commands.add_parser('train', help='the warm stages, then each student, from a bundle')
    t.add_argument('--bundle', required=True, type=Path)
    t.add_argument('--out', required=True, type=Path)
    p = commands.add_parser('pack', help='a run folder as pieces the device tool brings back')
    p.add_argument('--from', dest='source', required=True, type=Path)
    p.add_argument('--to', required=True, type=Path)
    p.add_argument('--piece-bytes', type=int, default=PIECE_BYTES)
    u = commands.add_parser('unpack', help='the run folder back from its pieces')
    u.add_argument('--pieces', required=True, type=Path)
    u.add_argument('--to', required=True, type=Path)
    args = parser.parse_args(argv)
    if args.command == 'pack':
        manifest = pack(args.source, args.to, args.piece_bytes)
        print(f'[gpu-experiment] packed {manifest["bytes"] / 2**20:.1f} MiB in {len(manifest["pieces"])} piece(s)'
              + (f'; left out (too large to come back): {", ".join(manifest["leftOut"])}' if manifest['leftOut'] else ''), flush=True)
        return 0
    if args.command == 'unpack':
        print(unpack(args.pieces, args.to))
        return 0
    run(args.bundle, args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
