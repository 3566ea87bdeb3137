//! The caps a backup must stay under. A real backup is a few thousand posts of a few MB each; the
//! caps are far above that and far below what would fill a disk or memory. They are checked on the
//! sizes a file declares before anything is read, and again on the bytes actually read (a zip may
//! lie about its sizes).

/// Default cap on one file inside a backup once decompressed (256 MiB).
pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
/// Default cap on a whole backup once decompressed (32 GiB).
pub const DEFAULT_MAX_TOTAL_BYTES: u64 = 32 * 1024 * 1024 * 1024;
/// Default cap on how much one zip entry may expand (decompressed / compressed). Text compresses
/// about 10:1 and JPEGs not at all; a zip bomb expands 1000:1 or more.
pub const DEFAULT_MAX_RATIO: u64 = 200;
/// Entries smaller than this are never refused for their ratio (a tiny all-blank file is fine).
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;
/// Default cap on the number of entries in a zip.
pub const DEFAULT_MAX_ENTRIES: usize = 1_000_000;
/// Default cap on one text value of an XML backup (a post body, one base64 attachment): 512 MiB.
pub const DEFAULT_MAX_XML_VALUE_BYTES: u64 = 512 * 1024 * 1024;
/// Default cap on element nesting in an XML backup (comments nest replies; nothing nests deeper).
pub const DEFAULT_MAX_XML_DEPTH: usize = 64;

/// The caps of one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// One file once decompressed.
    pub max_entry_bytes: u64,
    /// All files once decompressed.
    pub max_total_bytes: u64,
    /// Decompressed / compressed, for entries over [`RATIO_FLOOR_BYTES`].
    pub max_ratio: u64,
    /// Entries in a zip.
    pub max_entries: usize,
    /// One XML text value.
    pub max_xml_value_bytes: u64,
    /// XML element nesting.
    pub max_xml_depth: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
            max_total_bytes: DEFAULT_MAX_TOTAL_BYTES,
            max_ratio: DEFAULT_MAX_RATIO,
            max_entries: DEFAULT_MAX_ENTRIES,
            max_xml_value_bytes: DEFAULT_MAX_XML_VALUE_BYTES,
            max_xml_depth: DEFAULT_MAX_XML_DEPTH,
        }
    }
}

impl ImportLimits {
    /// Why an entry of `size` bytes stored in `compressed` bytes is refused, if it is.
    #[must_use]
    pub fn refuse_entry(&self, size: u64, compressed: u64) -> Option<String> {
        if size > self.max_entry_bytes {
            return Some(format!(
                "{size} bytes once decompressed, over the cap of {} bytes for one file",
                self.max_entry_bytes
            ));
        }
        if size > RATIO_FLOOR_BYTES && size / compressed.max(1) > self.max_ratio {
            return Some(format!(
                "expands {}:1 ({compressed} bytes to {size}), over the cap of {}:1: a zip bomb",
                size / compressed.max(1),
                self.max_ratio
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_refused_for_size_and_ratio_only() {
        let l = ImportLimits::default();
        assert!(l.refuse_entry(10_000_000, 9_000_000).is_none(), "a photo");
        assert!(
            l.refuse_entry(500_000, 1).is_none(),
            "small, whatever the ratio"
        );
        let bomb = l.refuse_entry(4 * 1024 * 1024 * 1024, 4_000_000).unwrap();
        assert!(bomb.contains("over the cap"), "{bomb}");
        let ratio = l.refuse_entry(100_000_000, 100_000).unwrap();
        assert!(
            ratio.contains("1000:1") && ratio.contains("zip bomb"),
            "{ratio}"
        );
    }
}
