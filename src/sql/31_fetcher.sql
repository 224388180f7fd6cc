-- portfolio-fetch looks up already-quarantined rows by symbol and source before recording a
-- rejected row again (a re-run of the same fetch adds nothing); this keeps that lookup small.
CREATE INDEX quotes_rejected_symbol_source ON portfolio.quotes_rejected (symbol, source);
