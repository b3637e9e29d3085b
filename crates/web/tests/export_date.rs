//! The web's exports carry their 出力日 (export date), as the day is in Japan (the default time
//! zone; `sansho serve` passes the configured one).

mod common;

use common::*;

/// Today in Japan (UTC+9, no daylight saving), `YYYY-MM-DD`.
fn tokyo_today() -> String {
    let jst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    chrono::Utc::now().with_timezone(&jst).format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn the_exports_say_the_day_they_were_made_in_japan() {
    let (mut b, store) = setup().await;
    let (_, a) = org_with_assessment(&store, "A病院").await;
    admin(&mut b).await;
    let before = tokyo_today();
    let md = b.get(&format!("/assessments/{a}/export/md")).await;
    let json = b.get(&format!("/assessments/{a}/export/json")).await;
    let after = tokyo_today();
    let days = [before, after];
    assert!(days.iter().any(|d| md.body.contains(&format!("| 出力日 | {d} |"))), "{}", md.body);
    let exported = json.json()["meta"]["exported_on"].as_str().unwrap().to_owned();
    assert!(days.contains(&exported), "{exported}");
}
