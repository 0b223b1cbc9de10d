//! The login rate limit (issue #7 item 3): at most N failed logins per username and client
//! address within a window; past it the login answers 429 with `Retry-After` without checking
//! the password. In memory: a restart forgives, which an attacker cannot trigger.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins by (username, address).
#[derive(Debug)]
pub struct LoginLimit {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<(String, String), Vec<Instant>>>,
}

/// Keys kept before stale ones are swept, bounding the memory an attacker can fill.
const SWEEP_ABOVE: usize = 10_000;

impl LoginLimit {
    pub fn new(max_failures: usize, window: Duration) -> LoginLimit {
        LoginLimit {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(username: &str, address: &str) -> (String, String) {
        (username.to_ascii_lowercase(), address.to_owned())
    }

    /// `Some(seconds)` to wait when the key is locked out now.
    pub fn locked(&self, username: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let times = map.get_mut(&Self::key(username, address))?;
        times.retain(|t| now.duration_since(*t) < self.window);
        if times.len() < self.max_failures {
            return None;
        }
        let oldest = times.iter().min().copied()?;
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Some(wait.as_secs().max(1))
    }

    /// Counts a failed login.
    pub fn failed(&self, username: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < self.window));
        }
        map.entry(Self::key(username, address))
            .or_default()
            .push(now);
    }

    /// Forgets the failures of a key after a successful login.
    pub fn succeeded(&self, username: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Self::key(username, address));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_key_and_only_that_key() {
        let limit = LoginLimit::new(5, Duration::from_secs(300));
        for _ in 0..4 {
            limit.failed("ana", "10.0.0.1");
        }
        assert_eq!(limit.locked("ana", "10.0.0.1"), None);
        limit.failed("ANA", "10.0.0.1");
        let wait = limit.locked("ana", "10.0.0.1").expect("locked after five");
        assert!((1..=300).contains(&wait), "{wait}");
        assert_eq!(limit.locked("ana", "10.0.0.2"), None, "another address");
        assert_eq!(limit.locked("ines", "10.0.0.1"), None, "another user");
        limit.succeeded("ana", "10.0.0.1");
        assert_eq!(limit.locked("ana", "10.0.0.1"), None);
    }

    #[test]
    fn failures_expire_with_the_window() {
        let limit = LoginLimit::new(1, Duration::from_millis(20));
        limit.failed("ana", "a");
        assert!(limit.locked("ana", "a").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(limit.locked("ana", "a"), None);
    }
}
