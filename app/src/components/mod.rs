pub mod confirm;
pub mod cost_line_editor;
pub mod item_editor;
pub mod item_row;
pub mod phase_editor;
pub mod post_form;
pub mod progress_bar;
pub mod risk_editor;
