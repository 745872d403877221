"""StepER Workbench student trainer: Vanilla-KD and StepER (step-wise KD) on PyTorch.

python -m steper_trainer train | export; python -m steper_trainer.tiny_model. See README.md.
"""
