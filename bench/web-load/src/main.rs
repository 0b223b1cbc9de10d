//! `web-load`: an open-loop HTTP/1.1 load generator for `sledger serve` (bench/run-web).
//!
//! Requests are scheduled at a fixed rate whatever the server does (open loop); a request's
//! latency runs from its scheduled time to the end of its response, so queueing behind a slow
//! response counts (no coordinated omission). Keep-alive connections, one request in flight
//! each; a hand-written HTTP/1.1 client keeps the generator's own cost small and visible.
//!
//! `web-load HOST:PORT METHOD PATH RATE SECONDS CONNECTIONS TOKEN [BODY_TEMPLATE_FILE]`
//! — `{n}` in the body template becomes the request's number (unique idempotency keys), `{p}`
//! the request's number modulo 100 (the patient, so that no patient collects thousands of
//! visits). TOKEN is a bearer token, or `cookie:NAME=VALUE` to send a session cookie instead
//! (the HTML pages); a body file ending in `.form` is sent as an HTML form
//! (`application/x-www-form-urlencoded`), any other as JSON. The summary counts every status.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, mpsc};

/// `{p}` in the body template cycles through this many patients (bench/run-web enrolls them).
const PATIENTS: usize = 100;

struct Plan {
    address: String,
    method: String,
    path: String,
    token: String,
    body: Option<String>,
    /// The body is an HTML form, not JSON.
    form: bool,
}

/// One response read off the connection: status code.
async fn exchange(
    stream: &mut TcpStream,
    plan: &Plan,
    n: usize,
    buf: &mut Vec<u8>,
) -> std::io::Result<u16> {
    let body = plan.body.as_ref().map(|b| {
        b.replace("{n}", &n.to_string())
            .replace("{p}", &(n % PATIENTS).to_string())
    });
    let credential = match plan.token.strip_prefix("cookie:") {
        Some(cookie) => format!("Cookie: {cookie}"),
        None => format!("Authorization: Bearer {}", plan.token),
    };
    let mut request = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\n{credential}\r\n",
        plan.method, plan.path, plan.address
    );
    if let Some(b) = &body {
        let kind = if plan.form {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        request.push_str(&format!(
            "Content-Type: {kind}\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    request.push_str("\r\n");
    if let Some(b) = &body {
        request.push_str(b);
    }
    stream.write_all(request.as_bytes()).await?;
    buf.clear();
    let mut chunk = [0u8; 16384];
    let header_end = loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        buf.extend_from_slice(&chunk[..read]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    if head.contains("transfer-encoding: chunked") {
        return Err(std::io::Error::other("chunked responses are not supported"));
    }
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::Error::other("connection closed mid-body"));
        }
        buf.extend_from_slice(&chunk[..read]);
    }
    Ok(status)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 8 {
        return Err(
            "usage: web-load HOST:PORT METHOD PATH RATE SECONDS CONNECTIONS TOKEN [BODY_FILE]"
                .into(),
        );
    }
    let rate: f64 = args[4].parse()?;
    let seconds: f64 = args[5].parse()?;
    let connections: usize = args[6].parse()?;
    let form = args.get(8).is_some_and(|path| path.ends_with(".form"));
    let body = match args.get(8) {
        Some(path) => Some(std::fs::read_to_string(path)?),
        None => None,
    };
    let plan = Arc::new(Plan {
        address: args[1].clone(),
        method: args[2].clone(),
        path: args[3].clone(),
        token: args[7].clone(),
        body,
        form,
    });
    let total = (rate * seconds) as usize;
    let (tx, rx) = mpsc::channel::<(usize, Instant)>(total.max(1));
    let rx = Arc::new(Mutex::new(rx));
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (plan, rx) = (plan.clone(), rx.clone());
        let mut stream = TcpStream::connect(&plan.address).await?;
        stream.set_nodelay(true)?;
        workers.push(tokio::spawn(async move {
            let mut results: Vec<(Duration, u16)> = Vec::new();
            let mut buf = Vec::with_capacity(65536);
            loop {
                let next = rx.lock().await.recv().await;
                let Some((n, scheduled)) = next else { break };
                let status = match exchange(&mut stream, &plan, n, &mut buf).await {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("request {n}: {e}");
                        // A broken connection is replaced, so one failure stays one failure.
                        if let Ok(fresh) = TcpStream::connect(&plan.address).await {
                            let _ = fresh.set_nodelay(true);
                            stream = fresh;
                        }
                        0
                    }
                };
                results.push((scheduled.elapsed(), status));
            }
            results
        }));
    }
    let start = Instant::now();
    for n in 0..total {
        let scheduled = start + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(scheduled.into()).await;
        tx.send((n, scheduled)).await?;
    }
    drop(tx);
    let mut latencies = Vec::with_capacity(total);
    let mut failures = 0usize;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for w in workers {
        for (latency, status) in w.await? {
            if !(200..300).contains(&status) {
                failures += 1;
            }
            *statuses.entry(status).or_default() += 1;
            latencies.push(latency);
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} {} ({connections} connections): {} requests in {:.1} s ({:.0} req/s offered {:.0}), non-2xx {}, statuses {statuses:?} (0 = no answer), p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        plan.method,
        plan.path,
        latencies.len(),
        elapsed,
        latencies.len() as f64 / elapsed,
        rate,
        failures,
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 90.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    Ok(())
}
