"""The scoring scheme as data and what it computes: areas, criteria and sub-criteria with their maxima and
rules (model, rules), loading a scheme from YAML/JSON and the bundled catalogue (files, catalog), a scenario
(scenario) and its score card in integer hundredths (scoring), and scoring brackets written in words read as
rules (brackets).

The scoring rule of one sub-criterion is in planner.methodology.rules.

May import: planner.core, planner.tables.
"""
