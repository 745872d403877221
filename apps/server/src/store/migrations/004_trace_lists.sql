-- The explorer's trace list pages, filters and counts from this index alone: the traces table's
-- rows carry a packed trace each (a page or more), so scanning them for a count or an OFFSET
-- cost a page read per trace (~25 list requests/s at 100,000 traces).
CREATE INDEX traces_list ON traces(run_id, idx, correct, steps, early_stop);
DROP INDEX traces_by_idx;
