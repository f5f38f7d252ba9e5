//! Domain rules as plain functions over plain values: no database, no framework.
//! Compiled for both the server and the browser.

pub mod access;
pub mod cost;
pub mod draft_parts;
pub mod event_text;
pub mod filter;
pub mod forecast;
pub mod markdown;
pub mod money;
pub mod notification;
pub mod portfolio;
pub mod progress;
pub mod review;
pub mod risk;
pub mod risk_register;
pub mod roadmap;
pub mod stated_figure;
pub mod validate;
