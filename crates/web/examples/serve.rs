//! Serves the bundled catalogs on 127.0.0.1:8080 with a database file (or an in-memory store),
//! to look at the pages while `sansho serve` is being built:
//! `cargo run -p sansho-web --example serve [ADDR] [DB]`.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let set = sansho_catalog::load(&sansho_catalog::bundled_sources()).set.expect("bundled catalogs load");
    let store = match std::env::args().nth(2) {
        Some(db) => sansho_store::Store::open(db).await.expect("the database opens"),
        None => sansho_store::Store::open_in_memory().await.expect("an in-memory store"),
    };
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr: std::net::SocketAddr = addr.parse().expect("an address like 127.0.0.1:8080");
    let token = sansho_auth::new_setup_token(&mut sansho_auth::random_bytes);
    let mut master = vec![0u8; 32];
    sansho_auth::random_bytes(&mut master);
    println!("http://{addr}/  setup token: {token}");
    let auth = sansho_web::session::AuthConfig::new(master, false, Some(token));
    sansho_web::serve(sansho_web::AppState::new(set, store, auth), addr).await
}
