"""Registry imports: persons, households and journeys from the spreadsheets offices keep.

reading  → raw rows from CSV (UTF-8 or GB18030) or a workbook, merged cells filled in
mapping  → which column is which, from header names in Chinese or English
rows     → one raw row to clean values, or to errors naming the row and column
loading  → the clean rows into the database in batches (COPY + merge on PostgreSQL)
jobs     → a whole job: progress, counts, the bad-rows file, the audit entry
"""
