//! `sledger serve` and the user commands it needs (issue #7): a password from standard input,
//! a site grant, a bearer token printed once; the real server answers on a real port.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use crate::harness::{TestDb, ok, on_both_backends, text};

/// One HTTP/1.1 exchange with `Connection: close`: (status, headers and body as text).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[&str],
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, response))
}

fn serve_with_users_passwords_and_tokens(db: &TestDb) {
    let mut add = db
        .command(&[
            "user",
            "add",
            "--username",
            "root",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long passphrase\n")
        .unwrap();
    ok(&add.wait_with_output().unwrap());
    ok(&db.sledger_as(
        "root",
        &[
            "user",
            "add",
            "--username",
            "ines",
            "--role",
            "investigator",
            "--site",
            "VLD",
        ],
    ));
    let token = ok(&db.sledger_as("root", &["user", "token", "ines", "--name", "etl"]));
    let token = token.trim();
    assert!(token.starts_with("slt_") && token.len() == 68, "{token}");
    let short = db.sledger_as("root", &["user", "password", "ines"]);
    assert_eq!(short.status.code(), Some(1), "an empty password is refused");
    assert!(
        text(&short.stderr).contains("\"field\":\"password\""),
        "{}",
        text(&short.stderr)
    );

    let document = ok(&db.sledger(&["serve", "--openapi"]));
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(document["openapi"], "3.1.0");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = db
        .command(&["serve", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if let Some((200, _)) = http(port, "GET", "/healthz", &[], "") {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let outcome = std::panic::catch_unwind(|| {
        assert!(up, "sledger serve answers /healthz");
        let auth = format!("Authorization: Bearer {token}");
        let (status, reply) = http(port, "GET", "/api/v1/session", &[&auth], "").unwrap();
        assert_eq!(status, 200, "{reply}");
        assert!(reply.contains("\"sites\":[\"VLD\"]"), "{reply}");
        let login = r#"{"username": "root", "password": "a long passphrase"}"#;
        let (status, reply) = http(
            port,
            "POST",
            "/api/v1/session",
            &["Content-Type: application/json"],
            login,
        )
        .unwrap();
        assert_eq!(status, 200, "{reply}");
        assert!(
            reply
                .to_ascii_lowercase()
                .contains("set-cookie: sledger_session="),
            "{reply}"
        );
        let (status, _) = http(port, "GET", "/api/v1/studies", &[], "").unwrap();
        assert_eq!(status, 401, "anonymous");
        // A revoked token opens nothing; the revocation names how many it ended.
        let revoked =
            ok(&db.sledger_as("root", &["user", "revoke-token", "ines", "--name", "etl"]));
        assert!(revoked.contains("revoked 1 token(s)"), "{revoked}");
        let (status, reply) = http(port, "GET", "/api/v1/session", &[&auth], "").unwrap();
        assert_eq!(status, 401, "{reply}");
        let again = ok(&db.sledger_as("root", &["user", "revoke-token", "ines", "--name", "etl"]));
        assert!(again.contains("revoked 0 token(s)"), "{again}");
    });
    let _ = server.kill();
    let _ = server.wait();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

on_both_backends!(serve_with_users_passwords_and_tokens);
