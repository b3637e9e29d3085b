//! Slowing down password guessing: an account lockout policy (a pure state machine over what the
//! database stores per account) and an in-memory rate limiter per source address.
//!
//! **Lockout.** Every failed login — a wrong password, or a right password with a wrong second
//! factor or recovery code — counts. At 5 consecutive failures the account is locked for 15
//! minutes; each further 5 failures lock it again for twice as long (30 min, 1 h, 2 h, … ) up to
//! 24 hours. A successful login resets the count; an admin can reset it too. The count is not
//! reset when a lock expires, which is what makes the locks grow. Locking per round of five
//! rather than per attempt keeps the cost to a real user whose name an attacker knows bounded,
//! while an online guesser gets 5 guesses per lock: about 30 a day once locks reach 24 h.
//!
//! **Rate limit.** A token bucket per source address (IPv6 per /64, since one host commonly
//! holds a whole /64), 10 requests in a burst and one more every 6 seconds by default, for the
//! login, second-factor and setup endpoints. It stops one address from locking out many accounts
//! or spraying passwords; the lockout stops many addresses from guessing one account.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

const MINUTE_MS: i64 = 60_000;

/// What the database keeps per account for the lockout policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFailures {
    /// Consecutive failed logins since the last success (or admin reset).
    pub count: u32,
    /// While `now < locked_until` (milliseconds since the Unix epoch) no login is attempted.
    pub locked_until: Option<i64>,
}

/// Whether a login may be attempted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Check the password.
    Allow,
    /// Locked until this moment (milliseconds since the Unix epoch). Do not check the password:
    /// answer that the account is temporarily locked, and when it opens again.
    Locked {
        /// Milliseconds since the Unix epoch.
        until: i64,
    },
}

/// The lockout policy. [`LockoutPolicy::DEFAULT`]: 5 failures, 15 minutes, doubling, 24 hours at
/// most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    /// Failures per lock.
    pub threshold: u32,
    /// Length of the first lock, in milliseconds.
    pub first_lock_ms: i64,
    /// Longest lock, in milliseconds.
    pub max_lock_ms: i64,
}

impl LockoutPolicy {
    /// 5 failures, 15 minutes, doubling, 24 hours at most.
    pub const DEFAULT: LockoutPolicy =
        LockoutPolicy { threshold: 5, first_lock_ms: 15 * MINUTE_MS, max_lock_ms: 24 * 60 * MINUTE_MS };

    /// Whether `state` lets a login be attempted at `now`. Ask before checking the password, and
    /// do not check it (nor count a failure) when locked.
    pub fn admit(&self, state: &LoginFailures, now: i64) -> Admission {
        match state.locked_until {
            Some(until) if now < until => Admission::Locked { until },
            _ => Admission::Allow,
        }
    }

    /// The state to store after a failed login at `now`: the count goes up by one, and when it
    /// reaches a multiple of the threshold the account is locked for [`Self::lock_duration`].
    pub fn after_failure(&self, state: &LoginFailures, now: i64) -> LoginFailures {
        let count = state.count.saturating_add(1);
        let locked_until = match self.lock_duration(count) {
            Some(duration) => {
                let until = now.saturating_add(duration);
                Some(state.locked_until.map_or(until, |old| old.max(until)))
            }
            None => state.locked_until,
        };
        LoginFailures { count, locked_until }
    }

    /// The state to store after a successful login: no failures, no lock.
    pub fn after_success(&self) -> LoginFailures {
        LoginFailures::default()
    }

    /// How long the `count`-th consecutive failure locks the account: nothing unless `count` is a
    /// multiple of the threshold; then `first_lock_ms`, doubled for each earlier lock, capped at
    /// `max_lock_ms`.
    pub fn lock_duration(&self, count: u32) -> Option<i64> {
        let threshold = self.threshold.max(1);
        if count == 0 || !count.is_multiple_of(threshold) {
            return None;
        }
        let earlier_locks = count / threshold - 1;
        let factor = 1i64.checked_shl(earlier_locks.min(62)).unwrap_or(i64::MAX);
        Some(self.first_lock_ms.saturating_mul(factor).min(self.max_lock_ms))
    }
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A token bucket's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed at once from a full bucket.
    pub burst: u32,
    /// Milliseconds to earn one more request.
    pub refill_ms: i64,
    /// Most addresses remembered; beyond it, the address nearest to a full bucket is forgotten.
    pub max_entries: usize,
}

impl RateLimit {
    /// For login, second factor and setup: a burst of 10, then one every 6 s (10 a minute),
    /// 10,000 addresses (well under a megabyte).
    pub const LOGIN: RateLimit = RateLimit { burst: 10, refill_ms: 6_000, max_entries: 10_000 };
}

/// A refused request: how long until the address may try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many requests; retry after {ms} ms")]
pub struct RetryAfter {
    /// Milliseconds to wait.
    pub ms: i64,
}

impl RetryAfter {
    /// Whole seconds, rounded up and at least 1, for the `Retry-After` response header.
    pub fn seconds(&self) -> u64 {
        u64::try_from(self.ms.max(1)).unwrap_or(1).div_ceil(1000)
    }
}

/// A per-source-address token bucket, shared by the web layer's handlers (it is `Sync`).
///
/// Implemented as GCRA, the token bucket's one-number form: each address keeps the moment its
/// bucket will be full again (its "theoretical arrival time"). An address whose bucket is already
/// full is indistinguishable from one never seen, so it can be forgotten: that is the pruning,
/// done whenever the table reaches `max_entries`.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    full_at: Mutex<HashMap<IpAddr, i64>>,
}

impl RateLimiter {
    /// A limiter that remembers no address yet.
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter { limit, full_at: Mutex::new(HashMap::new()) }
    }

    /// Takes one request from `addr`'s bucket at `now` (milliseconds since the Unix epoch), or
    /// says how long to wait.
    pub fn check(&self, addr: IpAddr, now: i64) -> Result<(), RetryAfter> {
        let interval = self.limit.refill_ms.max(1);
        let tolerance = interval.saturating_mul(i64::from(self.limit.burst.max(1) - 1));
        let key = bucket_key(addr);
        let mut table = self.full_at.lock().unwrap_or_else(PoisonError::into_inner);
        let arrival = table.get(&key).copied().unwrap_or(now).max(now);
        let waited = arrival - now;
        if waited > tolerance {
            return Err(RetryAfter { ms: waited - tolerance });
        }
        if !table.contains_key(&key) && table.len() >= self.limit.max_entries.max(1) {
            table.retain(|_, full_at| *full_at > now);
            if table.len() >= self.limit.max_entries.max(1)
                && let Some(nearest) = table.iter().min_by_key(|(_, full_at)| **full_at).map(|(k, _)| *k)
            {
                table.remove(&nearest);
            }
        }
        table.insert(key, arrival.saturating_add(interval));
        Ok(())
    }

    /// Forgets every address whose bucket is full at `now`. [`Self::check`] does this by itself
    /// when the table is full; calling it periodically just returns memory sooner.
    pub fn prune(&self, now: i64) {
        self.full_at.lock().unwrap_or_else(PoisonError::into_inner).retain(|_, full_at| *full_at > now);
    }

    /// Addresses currently remembered.
    pub fn len(&self) -> usize {
        self.full_at.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// No address is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// IPv4 addresses (also IPv4-mapped IPv6) count individually; IPv6 addresses by their /64.
fn bucket_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = MINUTE_MS;

    fn fail_n(policy: &LockoutPolicy, mut state: LoginFailures, n: u32, now: i64) -> LoginFailures {
        for _ in 0..n {
            assert_eq!(policy.admit(&state, now), Admission::Allow);
            state = policy.after_failure(&state, now);
        }
        state
    }

    #[test]
    fn lockout_progression_over_simulated_time() {
        let policy = LockoutPolicy::DEFAULT;
        let mut now = 1_700_000_000_000;
        let mut state = LoginFailures::default();

        // Four failures: still allowed.
        state = fail_n(&policy, state, 4, now);
        assert_eq!(state, LoginFailures { count: 4, locked_until: None });
        assert_eq!(policy.admit(&state, now), Admission::Allow);

        // The fifth locks for 15 minutes.
        state = policy.after_failure(&state, now);
        assert_eq!(state, LoginFailures { count: 5, locked_until: Some(now + 15 * MIN) });
        assert_eq!(policy.admit(&state, now + 15 * MIN - 1), Admission::Locked { until: now + 15 * MIN });
        now += 15 * MIN;
        assert_eq!(policy.admit(&state, now), Admission::Allow);

        // Each further round of five locks twice as long: 30 min, 1 h, 2 h, 4 h, 8 h, 16 h, then 24 h.
        let mut expected = vec![30, 60, 120, 240, 480, 960, 1440, 1440];
        expected.iter_mut().for_each(|m| *m *= MIN);
        for lock in expected {
            state = fail_n(&policy, state, 4, now);
            assert_eq!(policy.admit(&state, now), Admission::Allow, "not locked between rounds");
            state = policy.after_failure(&state, now);
            assert_eq!(state.locked_until, Some(now + lock), "after {} failures", state.count);
            assert!(matches!(policy.admit(&state, now + lock - 1), Admission::Locked { .. }));
            now += lock;
            assert_eq!(policy.admit(&state, now), Admission::Allow);
        }
        assert_eq!(state.count, 45);

        // A success resets everything.
        state = policy.after_success();
        assert_eq!(state, LoginFailures::default());
        state = fail_n(&policy, state, 5, now);
        assert_eq!(state.locked_until, Some(now + 15 * MIN));
    }

    #[test]
    fn lock_durations() {
        let policy = LockoutPolicy::DEFAULT;
        assert_eq!(policy.lock_duration(0), None);
        assert_eq!(policy.lock_duration(4), None);
        assert_eq!(policy.lock_duration(5), Some(15 * MIN));
        assert_eq!(policy.lock_duration(6), None);
        assert_eq!(policy.lock_duration(10), Some(30 * MIN));
        assert_eq!(policy.lock_duration(35), Some(960 * MIN));
        assert_eq!(policy.lock_duration(40), Some(24 * 60 * MIN));
        assert_eq!(policy.lock_duration(u32::MAX) /* a multiple of 5 */, Some(24 * 60 * MIN));
        let saturated = LoginFailures { count: u32::MAX, locked_until: None };
        assert_eq!(policy.after_failure(&saturated, 0).count, u32::MAX);
    }

    #[test]
    fn a_failure_never_shortens_a_lock() {
        let policy = LockoutPolicy::DEFAULT;
        let state = LoginFailures { count: 9, locked_until: Some(10 * 60 * MIN) };
        // The tenth failure would lock for 30 minutes from 0, but a longer lock is in place.
        assert_eq!(policy.after_failure(&state, 0).locked_until, Some(10 * 60 * MIN));
        let state = LoginFailures { count: 2, locked_until: Some(5) };
        assert_eq!(policy.after_failure(&state, 100), LoginFailures { count: 3, locked_until: Some(5) });
    }

    fn v4(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn rate_limiter_allows_a_burst_then_refills() {
        let limiter = RateLimiter::new(RateLimit { burst: 3, refill_ms: 1_000, max_entries: 100 });
        let t = 1_000_000;
        assert_eq!(limiter.check(v4(1), t), Ok(()));
        assert_eq!(limiter.check(v4(1), t), Ok(()));
        assert_eq!(limiter.check(v4(1), t), Ok(()));
        assert_eq!(limiter.check(v4(1), t), Err(RetryAfter { ms: 1_000 }));
        assert_eq!(limiter.check(v4(1), t + 400), Err(RetryAfter { ms: 600 }));
        // Another address has its own bucket.
        assert_eq!(limiter.check(v4(2), t), Ok(()));
        // One token back after a second, and only one.
        assert_eq!(limiter.check(v4(1), t + 1_000), Ok(()));
        assert_eq!(limiter.check(v4(1), t + 1_000), Err(RetryAfter { ms: 1_000 }));
        // Full again after three seconds of quiet.
        let later = t + 4_000;
        for _ in 0..3 {
            assert_eq!(limiter.check(v4(1), later), Ok(()));
        }
        assert!(limiter.check(v4(1), later).is_err());
        // Refused requests do not cost a token.
        assert_eq!(limiter.check(v4(1), later + 999), Err(RetryAfter { ms: 1 }));
        assert_eq!(limiter.check(v4(1), later + 1_000), Ok(()));
    }

    #[test]
    fn steady_rate_is_one_per_interval() {
        let limiter = RateLimiter::new(RateLimit::LOGIN);
        let t = 0;
        let mut allowed = 0;
        for second in 0..600 {
            if limiter.check(v4(9), t + second * 1_000).is_ok() {
                allowed += 1;
            }
        }
        // 10 at once, then one every 6 s for 10 minutes.
        assert_eq!(allowed, 10 + 99);
    }

    #[test]
    fn retry_after_seconds_round_up() {
        assert_eq!(RetryAfter { ms: 1 }.seconds(), 1);
        assert_eq!(RetryAfter { ms: 1_000 }.seconds(), 1);
        assert_eq!(RetryAfter { ms: 1_001 }.seconds(), 2);
        assert_eq!(RetryAfter { ms: 0 }.seconds(), 1);
    }

    #[test]
    fn ipv6_addresses_share_a_bucket_per_64() {
        let limiter = RateLimiter::new(RateLimit { burst: 2, refill_ms: 1_000, max_entries: 100 });
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limiter.check(a, 0), Ok(()));
        assert_eq!(limiter.check(b, 0), Ok(()));
        assert!(limiter.check(a, 0).is_err());
        assert_eq!(limiter.check(c, 0), Ok(()));
        // An IPv4-mapped address is its IPv4 address.
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(limiter.check(mapped, 0), Ok(()));
        assert_eq!(limiter.check(v4(7), 0), Ok(()));
        assert!(limiter.check(v4(7), 0).is_err());
    }

    #[test]
    fn table_size_is_bounded_and_pruned() {
        let limiter = RateLimiter::new(RateLimit { burst: 2, refill_ms: 1_000, max_entries: 4 });
        for i in 0..4 {
            limiter.check(v4(i), 0).unwrap();
        }
        assert_eq!(limiter.len(), 4);
        // Full table: a fifth address evicts the one nearest to a full bucket (all equal here).
        limiter.check(v4(4), 0).unwrap();
        assert_eq!(limiter.len(), 4);
        // Address 4 spends its burst; it is remembered.
        assert!(limiter.check(v4(4), 0).is_ok());
        assert!(limiter.check(v4(4), 0).is_err());
        // Once buckets are full again, new addresses replace them without eviction scans.
        for i in 10..14 {
            limiter.check(v4(i), 5_000).unwrap();
        }
        assert_eq!(limiter.len(), 4);
        limiter.prune(5_000);
        assert_eq!(limiter.len(), 4, "buckets used at 5 s are not full yet");
        limiter.prune(6_000);
        assert!(limiter.is_empty());
    }
}
