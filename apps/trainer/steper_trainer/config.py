"""The training configuration: one typed dataclass, read from a JSON or YAML file and checked
field by field (unknown keys are rejected) before anything is loaded or written.

Defaults are the paper's settings for real data (DESIGN.md §2): full fine-tuning, lr 5e-6,
2 epochs, cosine schedule with linear warm-up, bf16, gradient checkpointing.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml

Objective = Literal['vanilla', 'steper-uniform', 'steper-fixed', 'steper-difficulty']
StepConfig = Literal['agg', 'init+agg', 'init+exp1+agg', 'all']


class ConfigError(ValueError):
    """A configuration the trainer refuses before doing any work; the message names the field."""


@dataclass
class TrainConfig:
    # --- data -------------------------------------------------------------------------------
    data: str  # step-wise dataset: JSON lines of StepExample (packages/core/src/types/stepdata.ts)
    out_dir: str  # run folder: config.json, events.jsonl, checkpoints/ (created only once all inputs are valid)
    model: str  # Hugging Face model name or local folder of the student (any causal LM)
    eval_data: str | None = None  # held-out step-wise dataset; when absent, eval_fraction of the questions is held out
    eval_fraction: float = 0.0  # share of training questions held out for the eval loss (by a seeded hash of the question id)
    tokenizer: str | None = None  # tokenizer name or folder when it is not the model's own

    # --- objective (DESIGN.md §2) -------------------------------------------------------------
    objective: Objective = 'steper-difficulty'  # vanilla = agg examples only; steper-* = all stages of step_config
    step_config: StepConfig | None = None  # §6.1 step configuration; None = 'agg' for vanilla, 'all' for StepER
    stage_weights: list[float] = field(default_factory=lambda: [1.5, 1.0, 0.5])  # λ (init, exp, agg) for steper-fixed; Table 2 also has [0.5, 1, 1.5]
    sigma_lr: float = 1e-2  # peak learning rate of s_j = log σ_j² (same warm-up + cosine shape); the paper gives none, and at 5e-6 σ would barely move
    stage_mean: Literal['questions', 'examples'] = 'questions'  # L_j averages over the batch's questions (Eq. 3); 'examples' is the ablation
    mask_known_prefix: bool = False  # ablation: no loss on the part of the target already known (R_≤s−1)
    append_eos: bool = True  # EOS after aggregation targets (the chain ends there), trained like a target token
    # Also EOS after init/exp targets. Off: R_≤1 + EOS (init) and R_≤2 (exp) share their prefix and
    # disagree on the next token, and small students learn to stop after the known sentences.
    eos_on_open_steps: bool = False

    # --- model --------------------------------------------------------------------------------
    lora: bool = False  # LoRA adapters (peft) instead of full fine-tuning
    lora_r: int = 16  # LoRA rank
    lora_alpha: int = 32  # LoRA scaling numerator (scale = alpha / r)
    lora_dropout: float = 0.0  # LoRA dropout; 0 keeps resumed runs bit-identical without restoring dropout masks
    lora_target_modules: list[str] = field(
        default_factory=lambda: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']
    )  # modules that get adapters (Qwen/Llama names)
    gradient_checkpointing: bool = True  # recompute activations in backward (the paper's setting; trades ~30% speed for memory)
    # auto = bf16 autocast on a bf16-capable GPU, fp32 elsewhere; weights stay fp32 (5e-6 updates vanish in bf16)
    precision: Literal['auto', 'bf16', 'fp32'] = 'auto'
    # auto = flash_attention_2 when installed on GPU, else sdpa; on the CPU sdpa_packed (attention.py).
    # All keep packed examples apart.
    attn_implementation: Literal['auto', 'sdpa', 'sdpa_packed', 'flex_attention', 'flash_attention_2', 'eager'] = 'auto'
    device: Literal['auto', 'cpu', 'cuda'] = 'auto'  # auto = cuda when available

    # --- optimisation -------------------------------------------------------------------------
    lr: float = 5e-6  # peak learning rate of the student's weights (paper)
    epochs: int = 2  # passes over the training questions (paper)
    batch_size: int = 16  # questions per optimizer step over all processes; a question's examples are never split
    grad_accum: int = 1  # micro-batches per optimizer step and process
    warmup_ratio: float = 0.03  # share of the steps spent in linear warm-up
    min_lr_ratio: float = 0.0  # cosine floor as a share of the peak
    weight_decay: float = 0.0  # AdamW decay of the student's weights (never applied to s_j)
    adam_betas: list[float] = field(default_factory=lambda: [0.9, 0.999])  # AdamW β1, β2
    adam_eps: float = 1e-8  # AdamW ε
    max_grad_norm: float = 1.0  # gradient clipping norm; 0 disables clipping
    max_seq_len: int = 2048  # longest packed row in tokens; a longer example loses the start of its prompt
    packing: bool = True  # pack several examples into one row (attention never crosses examples); False = one example per row, padded

    # --- evaluation, checkpoints, logging -------------------------------------------------------
    eval_every: int = 200  # optimizer steps between eval-loss passes (also run at the end); 0 = only at the end; a new best replaces checkpoints/best
    checkpoint_every: int = 500  # optimizer steps between checkpoints; 0 = only at the end
    checkpoint_at_end: bool = True  # write a checkpoint when training ends (benchmarks turn it off)
    keep_last: int = 2  # newest step checkpoints kept (>= 1, the one a resume starts from); checkpoints/best is apart
    log_every: int = 1  # optimizer steps between step events
    seed: int = 1234  # seeds data order, LoRA init and every RNG
    max_steps: int | None = None  # stop after this many optimizer steps in total (smoke tests, benchmarks)
    # Wall-clock budget of this process's training, for short GPU leases: once the first steps are
    # timed, the run is cut to the steps that fit, and the learning-rate schedule follows the cut.
    max_seconds: float | None = None
    lr_restart_step: int = 0  # where the current warm-up + cosine segment starts; set by --extend-epochs

    def resolved_step_config(self) -> StepConfig:
        if self.step_config is not None:
            return self.step_config
        return 'agg' if self.objective == 'vanilla' else 'all'

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return ' | '.join(repr(a) for a in get_args(tp))
    if origin in (types.UnionType, typing.Union):
        return ' | '.join(_type_name(a) for a in get_args(tp))
    if origin is list:
        return f'list of {_type_name(get_args(tp)[0])}'
    return 'null' if tp is type(None) else tp.__name__


def _check(value: Any, tp: Any) -> bool:
    origin = get_origin(tp)
    if origin is Literal:
        return value in get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return any(_check(value, a) for a in get_args(tp))
    if origin is list:
        return isinstance(value, list) and all(_check(v, get_args(tp)[0]) for v in value)
    if tp is type(None):
        return value is None
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, tp)


def _check_ranges(cfg: TrainConfig) -> None:
    def need(ok: bool, name: str, what: str) -> None:
        if not ok:
            raise ConfigError(f'config field "{name}" = {getattr(cfg, name)!r}: {what}')

    for name in ('lr', 'sigma_lr', 'adam_eps'):
        need(getattr(cfg, name) > 0, name, 'must be > 0')
    for name in ('epochs', 'batch_size', 'grad_accum', 'max_seq_len', 'log_every', 'lora_r', 'lora_alpha', 'keep_last'):
        need(getattr(cfg, name) >= 1, name, 'must be >= 1')
    for name in ('eval_every', 'checkpoint_every', 'lr_restart_step', 'weight_decay', 'max_grad_norm'):
        need(getattr(cfg, name) >= 0, name, 'must be >= 0')
    need(0 <= cfg.eval_fraction < 1, 'eval_fraction', 'must be in [0, 1)')
    need(0 <= cfg.warmup_ratio < 1, 'warmup_ratio', 'must be in [0, 1)')
    need(0 <= cfg.min_lr_ratio <= 1, 'min_lr_ratio', 'must be in [0, 1]')
    need(0 <= cfg.lora_dropout < 1, 'lora_dropout', 'must be in [0, 1)')
    need(cfg.max_steps is None or cfg.max_steps >= 1, 'max_steps', 'must be >= 1 or null')
    need(cfg.max_seconds is None or cfg.max_seconds > 0, 'max_seconds', 'must be > 0 or null')
    need(len(cfg.stage_weights) == 3 and all(w >= 0 for w in cfg.stage_weights), 'stage_weights',
         'must be 3 non-negative numbers λ (init, exp, agg), e.g. [1.5, 1, 0.5]')
    need(len(cfg.adam_betas) == 2 and all(0 <= b < 1 for b in cfg.adam_betas), 'adam_betas', 'must be 2 numbers in [0, 1)')
    need(cfg.objective != 'vanilla' or cfg.resolved_step_config() == 'agg', 'step_config',
         "vanilla KD trains on the agg examples only: leave step_config out or set it to 'agg'")


def config_from_dict(raw: Any, base_dir: Path | None = None) -> TrainConfig:
    """Check every field of a parsed config; relative paths are taken from base_dir."""
    if not isinstance(raw, dict):
        raise ConfigError('a config must be an object (mapping) of fields')
    fields = {f.name: f for f in dataclasses.fields(TrainConfig)}
    hints = typing.get_type_hints(TrainConfig)
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise ConfigError(f'unknown config field(s) {", ".join(map(repr, unknown))}; known fields: {", ".join(fields)}')
    missing = [n for n, f in fields.items() if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and n not in raw]
    if missing:
        raise ConfigError(f'config is missing required field(s) {", ".join(map(repr, missing))}')
    for name, value in raw.items():
        if not _check(value, hints[name]):
            raise ConfigError(f'config field "{name}" = {value!r}: expected {_type_name(hints[name])}')
    values = dict(raw)
    for name in ('lr', 'sigma_lr', 'eval_fraction', 'warmup_ratio', 'min_lr_ratio', 'weight_decay', 'adam_eps', 'max_grad_norm', 'lora_dropout'):
        if name in values:
            values[name] = float(values[name])
    if base_dir is not None:
        for name in ('data', 'eval_data', 'out_dir'):
            if values.get(name) is not None:
                values[name] = str((base_dir / Path(values[name]).expanduser()).resolve())
        for name in ('model', 'tokenizer'):
            value = values.get(name)
            # A hub name ("Qwen/Qwen2.5-0.5B-Instruct") stays a name unless such a folder exists here.
            if value is not None and (value.startswith(('.', '/', '~')) or (base_dir / value).exists()):
                values[name] = str((base_dir / Path(value).expanduser()).resolve())
    cfg = TrainConfig(**values)
    _check_ranges(cfg)
    return cfg


def load_config(path: str | Path) -> TrainConfig:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f'config file not found: {path}')
    text = path.read_text(encoding='utf-8')
    try:
        raw = json.loads(text) if path.suffix == '.json' else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise ConfigError(f'{path}: not valid {"JSON" if path.suffix == ".json" else "YAML"}: {err}') from err
    try:
        return config_from_dict(raw, base_dir=path.parent.resolve())
    except ConfigError as err:
        raise ConfigError(f'{path}: {err}') from None
