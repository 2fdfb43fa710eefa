"""Reading a table a user hands us (a CSV file, a sheet of an .xlsx) safely and without knowing what it means:
size and zip-bomb gates, header search by any of several names, typed cells with their sheet, row and column
for messages. The domains say what the columns mean.

May import: planner.core.
"""
