//! sansho's storage (issue 3, in progress).
