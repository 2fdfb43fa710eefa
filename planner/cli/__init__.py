"""`python -m planner ...`: parsing and dispatch (main), what commands print (output), and one module per
family of commands (methodology, field, optimise, files, store). Its documented contracts are stable.

May import: every layer.
"""
