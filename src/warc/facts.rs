//! What verify needs from an archive's WARC files, read once: for every capture URL, the
//! payload sha256 recorded and recomputed; the comment pages per post; unfinished and damaged
//! files.
