//! Discovery: finding every entry id of a blog (pure parsers; the crawler drives them).
