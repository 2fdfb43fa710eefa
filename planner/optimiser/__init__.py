"""Choosing what to improve: efforts per level (effort), the choices they allow (levers), the competition a
target faces (competition), the exact MILP (solver) and its greedy ladder (ladder), effort curves and the
frontier (effort_curve, frontier), chance-constrained plans (chance), and the plan by agency (plan,
plan_builder).

The optimiser's constraints (one level per item, budgets, locks, caps, the target) are built in
planner.optimiser.solver.

May import: planner.core, planner.tables, planner.methodology, planner.field.
"""
