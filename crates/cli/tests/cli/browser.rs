//! The browser tests (issue #7 item 5): the built `sledger demo --db-file TMP --port 0 --fresh`
//! serves the web UI, `node tests/browser/run.mjs URL target/browser-screenshots` drives Debian
//! chromium through the UI contract's scenarios (log in, dashboard, visit entry with live
//! scores, randomize, Spanish, report) and screenshots each step. Without node, chromium or
//! `tests/browser/node_modules` (`npm ci --prefix tests/browser`) it prints a SKIPPED line and
//! passes — unless `CI` is set, as `.ci/run` sets it, where it fails.

use std::path::Path;
use std::process::Command;

use crate::demo_server::DemoServer;
use crate::harness::{root, sqlite, text};

const CHROMIUM: &str = "/usr/bin/chromium";

/// What is missing to run the browser tests, if anything.
fn missing(browser_dir: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not on the PATH".to_owned());
    }
    if !Path::new(CHROMIUM).exists() {
        return Some(format!("{CHROMIUM} is missing (Debian package chromium)"));
    }
    if !browser_dir.join("node_modules/playwright-core").is_dir() {
        return Some(format!(
            "{}/node_modules is missing (npm ci --prefix tests/browser)",
            browser_dir.display()
        ));
    }
    None
}

#[test]
fn the_web_ui_in_chromium() {
    let browser_dir = root().join("tests/browser");
    if let Some(why) = missing(&browser_dir) {
        assert!(
            std::env::var_os("CI").is_none(),
            "the browser tests cannot run in CI: {why}"
        );
        eprintln!("SKIPPED the browser tests: {why}");
        return;
    }
    let oracle = Command::new("node")
        .arg("--test")
        .arg(browser_dir.join("expected.test.mjs"))
        .output()
        .expect("node runs");
    assert!(
        oracle.status.success(),
        "the browser test's expected values are wrong:\n{}",
        text(&oracle.stdout)
    );
    let db = sqlite();
    let file = db.sqlite_path().expect("a SQLite test database").to_owned();
    let server = DemoServer::start(&file, &["--fresh"]);
    let screenshots = root().join("target/browser-screenshots");
    let run = Command::new("node")
        .arg(browser_dir.join("run.mjs"))
        .arg(&server.url)
        .arg(&screenshots)
        .output()
        .expect("node runs");
    drop(server);
    let report = text(&run.stdout);
    eprintln!("{report}{}", text(&run.stderr));
    assert!(
        run.status.success(),
        "the browser tests failed (screenshots in {}):\n{report}{}",
        screenshots.display(),
        text(&run.stderr)
    );
    assert!(report.contains("browser tests: all passed"), "{report}");
}
