"""The other provinces: the 63 and the 34 (provinces), the published results (results), resolving what the
sources say (sources), the reconstructed field (reconstruction), official tables (official_tables,
results_table), the merger to 34 (merger), the bundled field of a year (bundled), the drift projection
(projection), ranks (ranking, rank_maths) and the back-test (backtest).

The rank formula (1 + the number of provinces strictly ahead, in hundredths) is planner.field.ranking.ranks_of.

May import: planner.core, planner.tables, planner.methodology.
"""
