//! Issue 8: the desk's bundle errors keep their cause: a missing bundle directory is `BundleDir`
//! with the I/O error, an unreadable `bundle.json` is `BundleJson` with the JSON reader's error,
//! and each says what to do.

use std::error::Error as _;

use tistory_migrate::desk::DeskError;
use tistory_migrate::desk::load::load_bundle;
use tistory_migrate::report::error_chain;

fn refused(dir: &std::path::Path, what: &str) -> DeskError {
    match load_bundle(dir) {
        Ok(_) => panic!("{what}: it loaded"),
        Err(e) => e,
    }
}

#[test]
fn issue_8_bundle_errors_keep_their_cause_and_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-bundle");
    let e = refused(&missing, "a missing directory is refused");
    assert!(
        matches!(&e, DeskError::BundleDir { path, .. } if *path == missing),
        "{e:?}"
    );
    assert!(e.source().is_some());
    let shown = error_chain(&e);
    assert!(
        shown.contains("no-such-bundle") && shown.contains("ARCHIVE/naver/"),
        "{shown}"
    );

    let broken = tmp.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("bundle.json"), "{ not json").unwrap();
    let e = refused(&broken, "a broken bundle.json is refused");
    let DeskError::BundleJson { path, source } = &e else {
        panic!("not BundleJson: {e:?}");
    };
    assert!(path.ends_with("bundle.json"), "{}", path.display());
    assert!(source.is_syntax(), "{source:?}");
    assert!(
        error_chain(&e).contains("rebuild the bundle with `tistory-migrate bundle`"),
        "{e}"
    );

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let e = refused(&empty, "a folder without bundle.json is refused");
    assert!(matches!(&e, DeskError::BundleFile { .. }), "{e:?}");
    assert!(error_chain(&e).contains("is this a bundle made by"), "{e}");
}
