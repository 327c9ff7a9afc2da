mod dedup;
