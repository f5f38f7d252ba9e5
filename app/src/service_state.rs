//! What the tabs of one service page share: the loaded document and one signal per
//! checklist item, so the header's progress and gate follow every tab's edits. Below
//! pages and components, which both use it.

use crate::model::{ChecklistItem, ChecklistSection, ServiceDocument};
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What the tabs of one service share. Rebuilt whenever the document is reloaded.
#[derive(Clone, Copy)]
pub struct ServiceCtx {
    pub slug: StoredValue<String>,
    /// Bumped after a structural change (add, delete, reorder) to reload the document.
    pub reload: RwSignal<u64>,
    /// Sections in order, each with its items' signals in order.
    pub sections: StoredValue<Vec<SectionState>>,
    pub doc: StoredValue<ServiceDocument>,
    /// Items whose editor is open: live updates leave them alone.
    pub editing: RwSignal<BTreeSet<i64>>,
    /// Who changed an item while its editor was open here.
    pub changed_by: RwSignal<BTreeMap<i64, String>>,
    /// Set when someone changed the service's structure while an editor was open.
    pub stale: RwSignal<Option<String>>,
}

#[derive(Clone)]
pub struct SectionState {
    pub id: i64,
    pub name: String,
    pub items: Vec<RwSignal<ChecklistItem>>,
}

impl ServiceCtx {
    pub fn all_items(&self) -> Vec<RwSignal<ChecklistItem>> {
        self.sections
            .with_value(|s| s.iter().flat_map(|s| s.items.iter().copied()).collect())
    }

    pub fn refresh(&self) {
        self.reload.update(|n| *n += 1);
    }
}

pub fn use_service() -> ServiceCtx {
    expect_context::<ServiceCtx>()
}

impl SectionState {
    pub fn new(section: ChecklistSection) -> SectionState {
        SectionState {
            id: section.id,
            name: section.name,
            items: section.items.into_iter().map(RwSignal::new).collect(),
        }
    }
}
