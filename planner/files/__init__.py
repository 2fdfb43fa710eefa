"""The product's files in and out: the Excel templates and workbooks (excel: scenario, methodology, effort,
results, plan) and reading a scenario from any of its file forms (scenario_file).

May import: every layer below it (core, tables, methodology, field, optimiser, charts).
"""
