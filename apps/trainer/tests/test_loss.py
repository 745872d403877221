"""The StepER objective against DESIGN.md §2 / paper Eq. 3 and 4, computed by hand."""

import math

import pytest
import torch

from steper_trainer.batching import step_plan
from steper_trainer.loss import StepERObjective, example_losses, stage_sums

# Two questions. A: init ℓ=2, two exps ℓ=1 and 3, agg ℓ=4. B: init ℓ=1, agg ℓ=2 (no exp).
EX_LOSSES = torch.tensor([2.0, 1.0, 3.0, 4.0, 1.0, 2.0])
EX_STAGES = torch.tensor([0, 1, 1, 2, 0, 2])
N_QUESTIONS = 2
# by hand: L_init = (2+1)/2, L_exp = (1+3)/2, L_agg = (4+2)/2
L_HAND = torch.tensor([1.5, 2.0, 3.0])
ALL = torch.tensor([True, True, True])


def stage_losses() -> torch.Tensor:
    return stage_sums(EX_LOSSES, EX_STAGES) / N_QUESTIONS


def with_sigma(sigmas: list[float]) -> StepERObjective:
    objective = StepERObjective('steper-difficulty')
    with torch.no_grad():
        objective.log_var.copy_(torch.log(torch.tensor(sigmas) ** 2))
    return objective


def test_example_loss_is_the_token_mean_of_its_target():
    tokens = torch.tensor([1.0, 2.0, 3.0, 4.0, 6.0])
    assert example_losses(tokens, torch.tensor([0, 0, 0, 1, 1]), 2).tolist() == [2.0, 5.0]


def test_stage_losses_sum_within_a_question_and_average_over_questions():
    assert torch.allclose(stage_losses(), L_HAND)


def test_uniform_is_eq3():
    got = StepERObjective('steper-uniform')(stage_losses(), ALL)
    assert got.item() == pytest.approx((1.5 + 2.0 + 3.0) / 3)


@pytest.mark.parametrize('weights', [[1.5, 1.0, 0.5], [0.5, 1.0, 1.5]])
def test_fixed_weights_scale_eq3(weights):
    got = StepERObjective('steper-fixed', weights)(stage_losses(), ALL)
    assert got.item() == pytest.approx((weights[0] * 1.5 + weights[1] * 2.0 + weights[2] * 3.0) / 3)


def test_vanilla_is_the_agg_loss():
    assert StepERObjective('vanilla')(stage_losses(), ALL).item() == pytest.approx(3.0)


def test_difficulty_is_eq4():
    sigmas = [0.5, 1.5, 2.0]
    got = with_sigma(sigmas)(stage_losses(), ALL)
    hand = sum(L / (2 * s**2) + math.log(s) for L, s in zip([1.5, 2.0, 3.0], sigmas))
    assert got.item() == pytest.approx(hand, rel=1e-6)


def test_difficulty_starts_at_sigma_one():
    objective = StepERObjective('steper-difficulty')
    assert objective.sigma().tolist() == [1.0, 1.0, 1.0]
    assert objective(L_HAND, ALL).item() == pytest.approx(0.5 * (1.5 + 2.0 + 3.0))


def test_absent_stage_contributes_nothing_not_even_its_log_sigma():
    sigmas = [0.5, 1.5, 2.0]
    objective = with_sigma(sigmas)
    present = torch.tensor([True, False, True])
    L = torch.tensor([1.5, 99.0, 3.0])  # whatever stands in an absent stage's slot is ignored
    got = objective(L, present)
    hand = 1.5 / (2 * 0.25) + math.log(0.5) + 3.0 / (2 * 4.0) + math.log(2.0)
    assert got.item() == pytest.approx(hand, rel=1e-6)
    got.backward()
    assert objective.log_var.grad[1].item() == 0.0


def test_sigma_gradients_have_the_right_sign():
    # d/ds_j [0.5 e^(-s_j) L_j + 0.5 s_j] = 0.5 (1 - e^(-s_j) L_j): at s = 0, negative when L_j > 1
    objective = StepERObjective('steper-difficulty')
    objective(torch.tensor([3.0, 1.0, 0.5]), ALL).backward()
    grad = objective.log_var.grad
    assert grad[0].item() == pytest.approx(-1.0) and grad[0] < 0
    assert grad[1].item() == pytest.approx(0.0, abs=1e-7)
    assert grad[2].item() == pytest.approx(0.25) and grad[2] > 0
    # one descent step: the hard stage's σ grows (its weight 1/2σ² falls), the easy one's shrinks
    with torch.no_grad():
        objective.log_var -= 0.1 * grad
    sigma = objective.sigma()
    assert sigma[0] > 1.0 > sigma[2]


def test_sigma_norm_is_eq5_over_trained_stages():
    objective = with_sigma([0.5, 1.5, 2.0])
    assert torch.allclose(objective.sigma_norm(ALL), torch.tensor([0.5, 1.5, 2.0]) / 4.0)
    assert torch.allclose(objective.sigma_norm(torch.tensor([True, False, True])), torch.tensor([0.2, 0.0, 0.8]))


def test_model_gradient_scales_with_stage_weight():
    # ∂/∂L_j of Eq. 4 is 1/(2σ_j²): the weight each stage's loss gets
    objective = with_sigma([0.5, 1.5, 2.0])
    L = L_HAND.clone().requires_grad_()
    objective(L, ALL).backward()
    assert torch.allclose(L.grad, torch.tensor([2.0, 1 / 4.5, 1 / 8.0]))


def test_micro_batches_add_up_to_the_whole_batch_objective():
    """What the loop does with gradient accumulation: Σ_m weighted(S_m / n) + regulariser once."""
    objective = with_sigma([0.5, 1.5, 2.0])
    whole = objective(stage_losses(), ALL)
    g_whole = torch.autograd.grad(whole, objective.log_var)[0]
    parts = [(EX_LOSSES[:4], EX_STAGES[:4]), (EX_LOSSES[4:], EX_STAGES[4:])]  # question A, question B
    scale = torch.full((3,), 1.0 / N_QUESTIONS)
    split = sum(objective.weighted(stage_sums(losses, s) * scale) for losses, s in parts) + objective.regulariser(scale > 0)
    g_split = torch.autograd.grad(split, objective.log_var)[0]
    assert split.item() == pytest.approx(whole.item(), rel=1e-6)
    assert torch.allclose(g_split, g_whole)


def test_step_plan_counts_questions_or_examples_per_stage():
    stages_of_question = [[0, 1, 1, 2], [0, 2], [0, 2]]
    plan = step_plan([0, 1], stages_of_question, 'questions')
    assert plan.present.tolist() == [True, True, True]
    assert plan.denominators.tolist() == [2.0, 2.0, 2.0]
    ablation = step_plan([0, 1], stages_of_question, 'examples')
    assert ablation.denominators.tolist() == [2.0, 2.0, 2.0]
    no_exp = step_plan([1, 2], stages_of_question, 'examples')
    assert no_exp.present.tolist() == [True, False, True]
    assert no_exp.denominators.tolist() == [2.0, 0.0, 2.0]
    assert step_plan([0], stages_of_question, 'examples').denominators.tolist() == [1.0, 2.0, 1.0]


def test_unknown_objective_is_refused():
    with pytest.raises(ValueError, match='unknown objective'):
        StepERObjective('steper-magic')
