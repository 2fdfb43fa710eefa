"""Excel in and out (openpyxl): every workbook read passes through planner.tables.workbook's safety checks."""
