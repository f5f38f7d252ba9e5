pub mod checklist;
pub mod costs;
pub mod history;
pub mod not_found;
pub mod portfolio;
pub mod risks;
pub mod roadmap;
pub mod service;
