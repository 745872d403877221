"""The student: any Hugging Face causal LM (full fine-tuning or LoRA), wrapped together with the
StepER objective so that one forward returns the loss.

The objective lives inside the wrapped module on purpose: DDP then all-reduces the σ gradients
with the model's, and DeepSpeed ZeRO-3 / FSDP gather s_j like any other parameter. Logits are
computed only at positions that predict a target token: the vocabulary projection of every
prompt token (most tokens, with K passages per prompt) would cost memory and time for nothing.
"""

from __future__ import annotations

import importlib.util

import torch
import torch.nn.functional as F
from torch import nn
from transformers import AutoModelForCausalLM, AutoTokenizer

from . import attention
from .batching import MicroBatch
from .config import TrainConfig
from .loss import StepERObjective, example_losses, stage_sums


def pick_device(cfg: TrainConfig) -> str:
    if cfg.device == 'auto':
        return 'cuda' if torch.cuda.is_available() else 'cpu'
    return cfg.device


def pick_precision(cfg: TrainConfig, device: str) -> str:
    """Accelerate's mixed_precision value: bf16 autocast with fp32 master weights, or none."""
    if cfg.precision == 'auto':
        return 'bf16' if device == 'cuda' and torch.cuda.is_bf16_supported() else 'no'
    return 'bf16' if cfg.precision == 'bf16' else 'no'


def pick_attention(cfg: TrainConfig, device: str) -> str:
    if cfg.attn_implementation != 'auto':
        return cfg.attn_implementation
    if device == 'cuda':
        return 'flash_attention_2' if importlib.util.find_spec('flash_attn') is not None else 'sdpa'
    return attention.NAME


def load_tokenizer(cfg: TrainConfig):
    tokenizer = AutoTokenizer.from_pretrained(cfg.tokenizer or cfg.model)
    if tokenizer.eos_token_id is None:
        raise ValueError(f'the tokenizer of {cfg.tokenizer or cfg.model} has no EOS token; set one in its tokenizer_config.json')
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_lm(cfg: TrainConfig, attn_implementation: str) -> nn.Module:
    lm = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=torch.float32, attn_implementation=attn_implementation)
    lm.config.use_cache = False
    if cfg.lora:
        from peft import LoraConfig, get_peft_model

        lm = get_peft_model(lm, LoraConfig(
            r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
            target_modules=cfg.lora_target_modules, task_type='CAUSAL_LM',
        ))
    if cfg.gradient_checkpointing:
        # Non-reentrant checkpointing needs no input-grad hooks, with or without LoRA.
        lm.gradient_checkpointing_enable(gradient_checkpointing_kwargs={'use_reentrant': False})
    return lm


def hf_model(lm: nn.Module) -> nn.Module:
    """The transformers model inside a peft wrapper (LoRA layers are injected in place)."""
    return lm.get_base_model() if hasattr(lm, 'get_base_model') else lm


class Student(nn.Module):
    def __init__(self, lm: nn.Module, objective: StepERObjective):
        super().__init__()
        self.lm = lm
        self.objective = objective
        # FSDP's transformer-based wrapping looks for the layer classes here, on the root module.
        self._no_split_modules = getattr(hf_model(lm), '_no_split_modules', None)

    def forward(self, batch: MicroBatch, stage_scale: torch.Tensor, regularise: bool) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns this micro-batch's share of the objective and its per-stage Σℓ (detached).

        stage_scale_j turns Σℓ of this micro-batch into its share of L_j (1/n, times the number
        of processes because DDP averages gradients); it is 0 exactly for the stages absent from
        the step's batch, so it also says which log σ terms `regularise` adds (once per optimizer
        step and process).
        """
        model = hf_model(self.lm)
        hidden = model.get_decoder()(
            input_ids=batch.input_ids, position_ids=batch.position_ids, attention_mask=None, use_cache=False,
        ).last_hidden_state
        picked = hidden.flatten(0, 1)[batch.pred_index]
        logits = model.get_output_embeddings()(picked).float()
        token_losses = F.cross_entropy(logits, batch.pred_label, reduction='none')
        sums = stage_sums(example_losses(token_losses, batch.pred_example, len(batch.example_stage)), batch.example_stage)
        loss = self.objective.weighted(sums * stage_scale)
        if regularise:
            loss = loss + self.objective.regulariser(stage_scale > 0)
        return loss, sums.detach()
