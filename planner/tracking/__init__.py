"""The plan through the year: progress per row with its history (model), applied all or nothing (updates),
deadlines read from the plan's words (deadlines), the quarterly review with its forecast and next steps
(review), and the comparison with the published results that starts next year's plan (results).

May import: planner.core, planner.tables, planner.methodology, planner.field, planner.optimiser.
"""
