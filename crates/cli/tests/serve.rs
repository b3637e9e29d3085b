//! `sansho serve` as a user starts it: on loopback, with a setup token on the console, the
//! server's secret beside the database, and `--demo` data.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

/// A plain HTTP/1.1 GET; returns (status line, body).
fn get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.lines().next().unwrap_or_default().to_owned();
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[test]
fn serve_listens_on_loopback_prints_a_setup_token_and_keeps_its_secret_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sansho.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sansho"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("SANSHO_DB", &db)
        .env("HOME", dir.path())
        .env_remove("SANSHO_CONFIG")
        .env_remove("SANSHO_LISTEN")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let (mut addr, mut token) = (String::new(), String::new());
    let mut line = String::new();
    while token.is_empty() {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "the server ended: {:?}", child.wait());
        if let Some(rest) = line.split("http://").nth(1)
            && addr.is_empty()
        {
            addr = rest.split('/').next().unwrap().to_owned();
        }
        if let Some(t) = line.split("セットアップトークン: ").nth(1) {
            token = t.trim().to_owned();
        }
    }
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    assert_eq!(token.len(), 29, "{token}");
    let (status, body) = get(&addr, "/healthz");
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "ok");
    let (status, body) = get(&addr, "/setup");
    assert!(status.contains("200") && body.contains("セットアップトークン"), "{status}");
    // Everything else needs a login.
    let (status, _) = get(&addr, "/assessments");
    assert!(status.contains("303"), "{status}");
    child.kill().unwrap();
    child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("secret.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // --demo loaded the sample, once.
    let out = Command::new(env!("CARGO_BIN_EXE_sansho"))
        .args(["org", "list", "--json"])
        .env("SANSHO_DB", &db)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let orgs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(orgs.as_array().unwrap().len(), 1);
}
