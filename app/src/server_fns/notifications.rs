//! Server functions for the bell, one's notification settings, and the services'
//! webhooks. The gate has already checked the role each needs (`server_fns::needs`);
//! the bell and the settings are always the caller's own.

use crate::domain::notification::{Channels, NoticeKind, WebhookFormat};
use crate::error::AppError;
use crate::model::{NotificationEntry, NotificationSettings, WebhookDelivery, WebhookSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Notifications the bell lists.
pub const BELL_LIMIT: i64 = 100;

#[cfg(feature = "ssr")]
fn caller_id() -> Result<i64, AppError> {
    Ok(crate::auth::require()?.account().id)
}

#[server]
pub async fn unread_notifications() -> Result<i64, AppError> {
    crate::data::notifications::unread_count(&crate::state::pool()?, caller_id()?).await
}

#[server]
pub async fn list_notifications() -> Result<Vec<NotificationEntry>, AppError> {
    crate::data::notifications::list(&crate::state::pool()?, caller_id()?, BELL_LIMIT).await
}

/// Marks the caller's notifications read: `ids`, or all of them when empty.
#[server(input = Json)]
pub async fn mark_notifications_read(ids: Vec<i64>) -> Result<u64, AppError> {
    let pool = crate::state::pool()?;
    let ids = (!ids.is_empty()).then_some(ids);
    crate::data::notifications::mark_read(&pool, caller_id()?, ids.as_deref()).await
}

#[server]
pub async fn get_notification_settings() -> Result<NotificationSettings, AppError> {
    crate::data::notifications::settings(&crate::state::pool()?, caller_id()?).await
}

/// Stores how the caller hears `kind` (for one service, or all when `service_id` is
/// empty); `channels` empty removes the choice, so the default applies again.
#[server(input = Json)]
pub async fn set_notification_preference(
    service_id: Option<i64>,
    kind: NoticeKind,
    channels: Option<Channels>,
) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::notifications::set_preference(&pool, caller_id()?, service_id, kind, channels)
        .await
}

#[server]
pub async fn list_webhooks() -> Result<Vec<WebhookSummary>, AppError> {
    crate::data::webhooks::list(&crate::state::pool()?).await
}

#[server(input = Json)]
pub async fn create_webhook(
    slug: String,
    url: String,
    format: WebhookFormat,
) -> Result<i64, AppError> {
    let url = crate::domain::notification::check_webhook_url(&url)
        .map_err(|m| AppError::invalid("url", m))?;
    let pool = crate::state::pool()?;
    crate::data::webhooks::create(&pool, &slug, &url, format, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn delete_webhook(webhook_id: i64) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::webhooks::delete(&pool, webhook_id, &crate::state::actor()).await
}

#[server]
pub async fn webhook_deliveries(webhook_id: i64) -> Result<Vec<WebhookDelivery>, AppError> {
    crate::data::webhooks::deliveries(&crate::state::pool()?, webhook_id, 200).await
}
