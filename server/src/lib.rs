#![recursion_limit = "256"]
//! The Preflight server: configuration, database, demo data, JSON API and the router
//! that serves the Leptos app.

pub mod accounts;
pub mod api;
pub mod assets;
pub mod cli;
pub mod config;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod gate;
pub mod live;
pub mod metrics;
pub mod openapi;
pub mod page_cache;
pub mod relay;
pub mod server_fn_status;
pub mod sign_in;
pub mod startup;
pub mod transfer;
