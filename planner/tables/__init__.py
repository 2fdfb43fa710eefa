"""Reading a table a user hands us (a CSV file, a sheet of an .xlsx, the tables of a .docx or a text .pdf) safely
and without knowing what it means: size and zip-bomb gates, header search by any of several names, typed cells
with their sheet (or page), row and column for messages. The domains say what the columns mean.

May import: planner.core.
"""
