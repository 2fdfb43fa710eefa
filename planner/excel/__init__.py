"""Excel in and out (openpyxl): every workbook passes through planner.excel.workbook's safety checks."""
