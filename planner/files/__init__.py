"""The product's files in and out: the Excel templates and workbooks (excel: scenario, methodology, effort,
results, plan), reading a scenario from any of its file forms (scenario_file), the decision's appendix as Word
or PDF (appendix) and a methodology from any file a province holds (methodology_file).

May import: every layer below it (core, tables, methodology, field, optimiser, charts).
"""
