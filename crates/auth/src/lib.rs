//! Security primitives for the web application.
