//! The per-run write token: 32 random bytes from the thread's CSPRNG, written as 64 hex digits,
//! made when the desk starts and printed in its URL. Every POST must carry it, so that no other web
//! page open in the same browser can record a URL in the ledger (a cross-site form post). It is
//! compared in constant time. It lives only in memory: a restarted desk has a new token.

use rand::RngCore as _;

/// A random token for one run of the desk.
#[derive(Clone, PartialEq, Eq)]
pub struct DeskToken(String);

impl DeskToken {
    /// A new random token.
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// The token as written in URLs and forms.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `candidate` is this token (constant time in the candidate's content).
    #[must_use]
    pub fn matches(&self, candidate: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), candidate.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for DeskToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never in logs.
        f.write_str("DeskToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_compare_exactly() {
        let a = DeskToken::generate();
        let b = DeskToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 64);
        assert!(a.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert!(a.matches(a.as_str()));
        assert!(!a.matches(b.as_str()));
        assert!(!a.matches(""));
        assert!(!a.matches(&a.as_str()[1..]));
        assert!(!format!("{a:?}").contains(a.as_str()));
    }
}
