//! A service page follows teammates' changes: it listens to
//! `/api/v1/services/{slug}/live` and reloads the service when someone else changes
//! it (or the same user changes an item elsewhere). A status change or edit of an item updates that item's signals in place, so
//! progress, the gate and the charts follow without a rebuild; anything else rebuilds
//! the page. What the user is editing is never replaced: the item says who changed it
//! (saving then meets the usual version check), and structural changes wait behind a
//! "Show the latest" button.

use crate::model::ServiceDocument;
#[cfg(feature = "hydrate")]
use crate::service_state::ServiceCtx;
use serde::Deserialize;

/// The fields of a `change` event this page needs.
#[derive(Debug, Clone, Deserialize)]
pub struct LiveChange {
    pub subject_type: String,
    pub action: String,
    pub actor: String,
}

/// Whether the change only touches one item's fields (no add, delete or move).
pub fn is_item_edit(change: &LiveChange) -> bool {
    change.subject_type == "checklist_item"
        && matches!(
            change.action.as_str(),
            "item.status_changed" | "item.updated"
        )
}

/// Whether `new` has the same sections and items, in the same order, as `old`.
pub fn same_shape(old: &ServiceDocument, new: &ServiceDocument) -> bool {
    let shape = |d: &ServiceDocument| {
        d.sections
            .iter()
            .map(|s| (s.id, s.items.iter().map(|i| i.id).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    shape(old) == shape(new)
}

#[cfg(feature = "hydrate")]
pub fn follow(ctx: ServiceCtx, me: Option<String>) {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;

    let url = format!("/api/v1/services/{}/live", ctx.slug.get_value());
    let Ok(source) = web_sys::EventSource::new(&url) else {
        return;
    };
    let on_change =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            let Ok(change) = serde_json::from_str::<LiveChange>(&text) else {
                return;
            };
            // The user's own structural change was already applied by the page that
            // made it; an item edit is still caught up, so the same user's other
            // tabs and browsers follow too (versions make it a no-op where it is known).
            let own = me.as_deref() == Some(change.actor.as_str());
            if own && !is_item_edit(&change) {
                return;
            }
            catch_up(ctx, Some(change), own);
        });
    let on_resync =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| catch_up(ctx, None, false));
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref());
    // The source and its callbacks live as long as this view of the service.
    let kept = StoredValue::new_local((source, on_change, on_resync));
    on_cleanup(move || kept.with_value(|(source, _, _)| source.close()));
}

#[cfg(feature = "hydrate")]
fn catch_up(ctx: ServiceCtx, change: Option<LiveChange>, own: bool) {
    use leptos::prelude::*;
    let who = change
        .as_ref()
        .map_or_else(|| "Someone".to_string(), |c| c.actor.clone());
    leptos::task::spawn_local(async move {
        let Ok(doc) = crate::server_fns::get_service(ctx.slug.get_value()).await else {
            return;
        };
        let in_place = change.as_ref().is_some_and(is_item_edit)
            && ctx.doc.with_value(|old| same_shape(old, &doc));
        if !in_place {
            if ctx.editing.with_untracked(|e| e.is_empty()) {
                ctx.refresh();
            } else {
                ctx.stale.try_set(Some(who));
            }
            return;
        }
        let signals = ctx.all_items();
        let fresh = doc.sections.iter().flat_map(|s| s.items.iter());
        for (signal, item) in signals.iter().zip(fresh) {
            if signal.with_untracked(|i| i.version == item.version) {
                continue;
            }
            if ctx.editing.with_untracked(|e| e.contains(&item.id)) {
                // The user's own save, announced before its answer arrived: nothing to say.
                if own {
                    continue;
                }
                ctx.changed_by.update(|m| {
                    m.insert(item.id, who.clone());
                });
            } else {
                signal.set(item.clone());
            }
        }
        ctx.doc.set_value(doc);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(subject_type: &str, action: &str) -> LiveChange {
        LiveChange {
            subject_type: subject_type.into(),
            action: action.into(),
            actor: "ana@example.com".into(),
        }
    }

    #[test]
    fn only_item_field_changes_apply_in_place() {
        assert!(is_item_edit(&change(
            "checklist_item",
            "item.status_changed"
        )));
        assert!(is_item_edit(&change("checklist_item", "item.updated")));
        assert!(!is_item_edit(&change("checklist_item", "item.created")));
        assert!(!is_item_edit(&change("risk", "risk.updated")));
    }
}
