-- A workbook as the SQL firewall tests see it: imported datasets and a table
-- with AUTOINCREMENT, so that sqlite_sequence exists.
CREATE TABLE expenses (id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT NOT NULL,
                       category TEXT NOT NULL, amount REAL NOT NULL, account_id INTEGER);
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT);
CREATE VIEW monthly AS SELECT substr(date, 1, 7) AS month, SUM(amount) AS total
                       FROM expenses GROUP BY 1;
CREATE INDEX expenses_by_date ON expenses (date);
INSERT INTO expenses (date, category, amount, account_id) VALUES ('2025-01-03', 'food', 42.5, 1);
