//! A running `sledger demo --db-file FILE --port 0`, for the demo and browser tests: started,
//! its `sledger demo: listening on http://ADDR:PORT/` line read, killed on drop.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What the demo printed before `listening on`, and the server.
pub struct DemoServer {
    child: Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    pub port: u16,
    /// The lines printed up to and including the listening line.
    pub printed: Vec<String>,
    /// How long from the start to the listening line.
    pub startup: Duration,
}

const LISTENING: &str = "sledger demo: listening on ";

impl DemoServer {
    /// Starts `sledger demo --db-file FILE --port 0 EXTRA…` and waits (at most two minutes)
    /// for the listening line.
    pub fn start(db_file: &Path, extra: &[&str]) -> DemoServer {
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_sledger"))
            .arg("demo")
            .arg("--db-file")
            .arg(db_file)
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sledger demo starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, receive) = mpsc::channel();
        // Reads to the end: a closed pipe would end the demo at its next line of output.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = send.send(line);
            }
        });
        let mut printed = Vec::new();
        let deadline = started + Duration::from_secs(120);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match receive.recv_timeout(left) {
                Ok(line) => {
                    let url = line.strip_prefix(LISTENING).map(str::to_owned);
                    printed.push(line);
                    if let Some(url) = url {
                        let port = url
                            .trim_end_matches('/')
                            .rsplit(':')
                            .next()
                            .and_then(|p| p.parse().ok())
                            .unwrap_or_else(|| panic!("a port in {url}"));
                        return DemoServer {
                            child,
                            url,
                            port,
                            printed,
                            startup: started.elapsed(),
                        };
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "sledger demo printed no `{LISTENING}` line within 2 minutes; printed:\n{}",
                        printed.join("\n")
                    );
                }
            }
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
