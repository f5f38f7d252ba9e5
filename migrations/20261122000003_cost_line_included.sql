-- A cost line can be left out of the projection without deleting it: the cost
-- page's what-if toggles savings, and saving that choice sets this flag.
ALTER TABLE cost_lines ADD COLUMN included BOOLEAN NOT NULL DEFAULT true;
