"""The StepER objective (DESIGN.md §2; paper Eq. 3 and 4).

ℓ  = token-mean cross-entropy of one example's target.
L_j = (1/n) Σ_i Σ_{examples of question i in stage j} ℓ   — n = questions in the batch
      (the ablation divides by the number of stage-j examples instead).
vanilla            L_agg (agg examples only)
steper-uniform     (L_init + L_exp + L_agg) / 3                                  Eq. 3
steper-fixed       (λ_init L_init + λ_exp L_exp + λ_agg L_agg) / 3, λ from Table 2 (Σλ = 3)
steper-difficulty  Σ_j present_j · [ 0.5·e^(−s_j)·L_j + 0.5·s_j ],  s_j = log σ_j²   Eq. 4

Eq. 4 is Σ 1/(2σ_j²)·L_j + log σ_j written in s_j for stability; s_j starts at 0 (σ_j = 1).
A stage absent from the batch contributes nothing, its log σ term included.
The objective is split into a part linear in L (`weighted`) and the log-σ regulariser, so that
gradient accumulation and data parallelism can add up micro-batches and processes exactly.
"""

from __future__ import annotations

import torch
from torch import nn

STAGES = ('init', 'exp', 'agg')
AGG = STAGES.index('agg')


def example_losses(token_losses: torch.Tensor, token_example: torch.Tensor, n_examples: int) -> torch.Tensor:
    """ℓ per example: the mean of its target tokens' cross-entropies."""
    sums = token_losses.new_zeros(n_examples).index_add(0, token_example, token_losses)
    counts = torch.bincount(token_example, minlength=n_examples).clamp(min=1)
    return sums / counts


def stage_sums(ex_losses: torch.Tensor, ex_stage: torch.Tensor) -> torch.Tensor:
    """Σ ℓ over the examples of each stage: (3,)."""
    return ex_losses.new_zeros(len(STAGES)).index_add(0, ex_stage, ex_losses)


class StepERObjective(nn.Module):
    """Combines the stage losses L (3,) into the objective; owns s_j for difficulty weighting."""

    def __init__(self, objective: str, stage_weights: list[float] | None = None):
        super().__init__()
        if objective not in ('vanilla', 'steper-uniform', 'steper-fixed', 'steper-difficulty'):
            raise ValueError(f'unknown objective {objective!r}')
        self.objective = objective
        weights = {
            'vanilla': [0.0, 0.0, 1.0],
            'steper-uniform': [1 / 3, 1 / 3, 1 / 3],
            'steper-fixed': [w / 3 for w in (stage_weights or [1.5, 1.0, 0.5])],
            'steper-difficulty': [0.0, 0.0, 0.0],  # unused: the weights are 0.5·e^(−s)
        }[objective]
        self.register_buffer('weights', torch.tensor(weights), persistent=False)
        # s_j = log σ_j², one per stage; a parameter only for the difficulty-aware objective.
        self.log_var = nn.Parameter(torch.zeros(len(STAGES))) if objective == 'steper-difficulty' else None

    def weighted(self, L: torch.Tensor) -> torch.Tensor:
        """The part of the objective linear in L (absent stages have L_j = 0)."""
        if self.log_var is None:
            return (self.weights.to(L.dtype) * L).sum()
        return (0.5 * torch.exp(-self.log_var) * L).sum()

    def regulariser(self, present: torch.Tensor) -> torch.Tensor:
        """Σ over present stages of 0.5·s_j (= log σ_j); zero for fixed weights."""
        if self.log_var is None:
            return torch.zeros((), device=present.device)
        return (0.5 * self.log_var * present.to(self.log_var.dtype)).sum()

    def forward(self, L: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
        """The whole objective for one batch's stage losses."""
        L = torch.where(present, L, torch.zeros_like(L))
        return self.weighted(L) + self.regulariser(present)

    def sigma(self) -> torch.Tensor | None:
        """σ_j = exp(s_j / 2)."""
        return None if self.log_var is None else torch.exp(0.5 * self.log_var.detach())

    def sigma_norm(self, enabled: torch.Tensor) -> torch.Tensor | None:
        """σ̃_j = σ_j / Σ_k σ_k (Eq. 5), over the stages the step configuration trains."""
        sigma = self.sigma()
        if sigma is None:
            return None
        sigma = torch.where(enabled.to(sigma.device), sigma, torch.zeros_like(sigma))
        return sigma / sigma.sum()
