//! The architecture's invariants (ARCHITECTURE.md, DESIGN §2), checked over `cargo metadata`
//! and the sources so that a change that breaks them fails CI.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Crates that do IO: none may be reachable from the pure crates.
const IO_CRATES: &[&str] = &[
    "tokio",
    "sqlx",
    "axum",
    "tower",
    "tower-http",
    "hyper",
    "reqwest",
    "mio",
    "rusqlite",
    "postgres",
];

/// Pure crates (invariant 1): domain, measures, statistics, the score contract, the reports.
const PURE_CRATES: &[&str] = &[
    "sledger-core",
    "sledger-stats",
    "sledger-score",
    "sledger-report",
];

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("crates/cli sits two levels below the root")
}

/// Names of every package reachable from `root` through normal (non-dev) dependencies.
fn normal_closure(meta: &Value, root: &str) -> BTreeSet<String> {
    let packages: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id"),
                p["name"].as_str().expect("name"),
            )
        })
        .collect();
    let nodes: HashMap<&str, Vec<&str>> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|n| {
            let deps = n["deps"]
                .as_array()
                .expect("deps")
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k["kind"].is_null()))
                })
                .map(|d| d["pkg"].as_str().expect("pkg"))
                .collect();
            (n["id"].as_str().expect("id"), deps)
        })
        .collect();
    let Some(start) = packages
        .iter()
        .find(|(_, name)| **name == root)
        .map(|(id, _)| *id)
    else {
        return BTreeSet::new();
    };
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if seen.insert(packages[id].to_owned()) {
            stack.extend(nodes.get(id).into_iter().flatten().copied());
        }
    }
    seen
}

#[test]
fn pure_crates_depend_on_nothing_that_does_io() {
    let meta = metadata();
    for krate in PURE_CRATES {
        let closure = normal_closure(&meta, krate);
        if *krate == "sledger-core" {
            assert!(
                closure.contains("rust_decimal"),
                "the dependency walk must see sledger-core's own dependencies"
            );
        }
        let io: Vec<_> = closure
            .iter()
            .filter(|name| IO_CRATES.contains(&name.as_str()))
            .collect();
        assert!(
            io.is_empty(),
            "{krate} reaches IO crates {io:?} (ARCHITECTURE.md invariant 1)"
        );
    }
}

#[test]
fn only_the_store_speaks_sql_and_only_the_web_speaks_http() {
    let meta = metadata();
    for member in meta["workspace_members"].as_array().expect("members") {
        let id = member.as_str().expect("member id");
        let name = meta["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["id"] == id)
            .and_then(|p| p["name"].as_str())
            .expect("member package");
        let direct: BTreeSet<String> = meta["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["id"] == id)
            .and_then(|p| p["dependencies"].as_array())
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str().map(str::to_owned))
            .collect();
        if name != "sledger-store" {
            for sql in ["sqlx", "rusqlite", "postgres"] {
                assert!(
                    !direct.contains(sql),
                    "{name} depends on {sql}: only sledger-store speaks SQL (invariant 2)"
                );
            }
        }
        if name != "sledger-web" && name != "sledger" {
            for http in [
                "axum",
                "tower",
                "tower-http",
                "hyper",
                "axum-extra",
                "utoipa-axum",
            ] {
                assert!(
                    !direct.contains(http),
                    "{name} depends on {http}: only sledger-web knows HTTP (invariant 2)"
                );
            }
        }
    }
}

#[test]
fn pure_crates_use_no_filesystem_network_process_or_clock() {
    let forbidden = [
        "std::fs",
        "std::net",
        "std::process",
        "std::env",
        "SystemTime::now",
        "Instant::now",
        "Zoned::now",
        "Timestamp::now",
        "Date::today",
    ];
    for krate in ["core", "stats", "score"] {
        let dir = workspace_root().join("crates").join(krate).join("src");
        if !dir.exists() {
            continue;
        }
        for path in rust_files(&dir) {
            let text = std::fs::read_to_string(&path).expect("readable source");
            for word in forbidden {
                assert!(
                    !text.contains(word),
                    "{} uses {word}: pure crates do no IO (invariant 1)",
                    path.display()
                );
            }
        }
    }
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}
