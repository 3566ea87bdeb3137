//! The inflation cap a WARC was recorded under. `crawl --warc` records bodies as received, a
//! gzip body still encoded; the crawl itself refused to inflate one past its `--max-body-bytes`.
//! A replay of the WARC (`serve`, `migrate` from it) must refuse the same body the same way, not
//! inflate it up to the default cap: so the recording run writes its cap into every file's
//! `warcinfo` record ([`MAX_BODY_FIELD`]), and a reader inflates each file's bodies within the
//! cap its own `warcinfo` names ([`recorded_cap`]), or within the default
//! ([`super::http::MAX_ENTITY_BYTES`]) for a WARC another tool wrote. Pure.

use super::reader::ReadRecord;

/// The `warcinfo` field naming the `--max-body-bytes` of the run that recorded the file.
pub const MAX_BODY_FIELD: &str = "tistory-migrate-max-body-bytes";

/// The `warcinfo` field that records `max_body_bytes`.
#[must_use]
pub fn info_field(max_body_bytes: u64) -> (String, String) {
    (MAX_BODY_FIELD.to_string(), max_body_bytes.to_string())
}

/// The cap a `warcinfo` record names, when `record` is one and names a cap that reads as a
/// number.
#[must_use]
pub fn recorded_cap(record: &ReadRecord) -> Option<u64> {
    if record.kind() != "warcinfo" {
        return None;
    }
    String::from_utf8_lossy(&record.block)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            (name.trim().eq_ignore_ascii_case(MAX_BODY_FIELD))
                .then(|| value.trim().parse().ok())
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(block: &str) -> ReadRecord {
        ReadRecord {
            offset: 0,
            length: 0,
            fields: vec![("WARC-Type".into(), "warcinfo".into())],
            block: block.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_cap_is_read_from_the_warcinfo_fields() {
        let (k, v) = info_field(1_048_576);
        let block = format!("software: tistory-migrate/x\r\n{k}: {v}\r\nformat: WARC\r\n");
        assert_eq!(recorded_cap(&info(&block)), Some(1_048_576));
        assert_eq!(
            recorded_cap(&info("software: wget\r\n")),
            None,
            "another tool's"
        );
        assert_eq!(
            recorded_cap(&info(&format!("{MAX_BODY_FIELD}: lots\r\n"))),
            None
        );
        let mut response = info(&block);
        response.fields = vec![("WARC-Type".into(), "response".into())];
        assert_eq!(recorded_cap(&response), None, "only a warcinfo says");
    }
}
