//! Moments as people in Japan read them: Japan Standard Time (UTC+9, no daylight saving).

use chrono::{DateTime, FixedOffset};
use sansho_store::Timestamp;

fn jst(t: Timestamp) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(9 * 3600)?;
    Some(DateTime::from_timestamp_millis(t.0)?.with_timezone(&offset))
}

/// `2026-12-06 09:15` (JST), for lists and histories.
pub fn when(t: Timestamp) -> String {
    jst(t).map_or_else(|| t.0.to_string(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

/// `2026-12-06` (JST).
pub fn date(t: Timestamp) -> String {
    jst(t).map_or_else(|| t.0.to_string(), |d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_shown_in_japan_standard_time() {
        // 2026-12-06T15:30:00Z is already the 7th in Japan.
        let t = Timestamp(1_796_571_000_000);
        assert_eq!(when(t), "2026-12-07 00:30");
        assert_eq!(date(t), "2026-12-07");
        assert_eq!(date(Timestamp(0)), "1970-01-01");
    }
}
