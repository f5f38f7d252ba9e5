//! What each server function needs of the caller: the table the server's gate checks
//! before the function runs. A server function missing here is refused (and the
//! permission-walk test in `server/tests/access.rs` names it).

use super::*;
use crate::model::Need;
use leptos::server_fn::ServerFn;

pub const SERVER_FN_NEEDS: &[(&str, Need)] = &[
    (<accounts::ListUsers as ServerFn>::PATH, Need::Admin),
    (<accounts::CreateUser as ServerFn>::PATH, Need::Admin),
    (<accounts::SetUserRole as ServerFn>::PATH, Need::Admin),
    (<accounts::SetUserDisabled as ServerFn>::PATH, Need::Admin),
    (<accounts::ResetPassword as ServerFn>::PATH, Need::Admin),
    (
        <accounts::SignOutEverywhere as ServerFn>::PATH,
        Need::SignedIn,
    ),
    (<accounts::ListTokens as ServerFn>::PATH, Need::SignedIn),
    (<accounts::CreateToken as ServerFn>::PATH, Need::SignedIn),
    (<accounts::RevokeToken as ServerFn>::PATH, Need::SignedIn),
    (<accounts::AuditLog as ServerFn>::PATH, Need::Admin),
    (<checklist::CreateSection as ServerFn>::PATH, Need::Edit),
    (<checklist::RenameSection as ServerFn>::PATH, Need::Edit),
    (<checklist::DeleteSection as ServerFn>::PATH, Need::Edit),
    (<checklist::MoveSection as ServerFn>::PATH, Need::Edit),
    (<checklist::CreateItem as ServerFn>::PATH, Need::Edit),
    (<checklist::UpdateItem as ServerFn>::PATH, Need::Edit),
    (<checklist::DeleteItem as ServerFn>::PATH, Need::Edit),
    (<checklist::MoveItem as ServerFn>::PATH, Need::Edit),
    (<costs::CreateCostLine as ServerFn>::PATH, Need::Edit),
    (<costs::UpdateCostLine as ServerFn>::PATH, Need::Edit),
    (<costs::SetCostLineIncluded as ServerFn>::PATH, Need::Edit),
    (<costs::DeleteCostLine as ServerFn>::PATH, Need::Edit),
    (<costs::ApplyScenario as ServerFn>::PATH, Need::Edit),
    (<costs::DismissStatedFigures as ServerFn>::PATH, Need::Edit),
    (<history::GetHistoryPage as ServerFn>::PATH, Need::Read),
    (<history::GetBurnup as ServerFn>::PATH, Need::Read),
    (<import::PreviewImport as ServerFn>::PATH, Need::Edit),
    (<import::SaveImport as ServerFn>::PATH, Need::Edit),
    (<ListServices as ServerFn>::PATH, Need::Read),
    (<GetService as ServerFn>::PATH, Need::Read),
    (<SetItemStatus as ServerFn>::PATH, Need::Edit),
    (<portfolio::GetPortfolio as ServerFn>::PATH, Need::Read),
    // The caller's own bell and settings; a token reads its owner's bell.
    (
        <notifications::UnreadNotifications as ServerFn>::PATH,
        Need::Read,
    ),
    (
        <notifications::ListNotifications as ServerFn>::PATH,
        Need::Read,
    ),
    (
        <notifications::MarkNotificationsRead as ServerFn>::PATH,
        Need::SignedIn,
    ),
    (
        <notifications::GetNotificationSettings as ServerFn>::PATH,
        Need::SignedIn,
    ),
    (
        <notifications::SetNotificationPreference as ServerFn>::PATH,
        Need::SignedIn,
    ),
    // Webhook secrets are shown to those who may change services.
    (<notifications::ListWebhooks as ServerFn>::PATH, Need::Edit),
    (<notifications::CreateWebhook as ServerFn>::PATH, Need::Edit),
    (<notifications::DeleteWebhook as ServerFn>::PATH, Need::Edit),
    (
        <notifications::WebhookDeliveries as ServerFn>::PATH,
        Need::Edit,
    ),
    (<reviews::ListReviews as ServerFn>::PATH, Need::Read),
    (<reviews::GetReview as ServerFn>::PATH, Need::Read),
    (<reviews::ReviewCandidates as ServerFn>::PATH, Need::Edit),
    (<reviews::OpenReview as ServerFn>::PATH, Need::Edit),
    // Any signed-in role: a named approver may be a viewer (a security lead, say).
    (<reviews::DecideReview as ServerFn>::PATH, Need::SignedIn),
    (<reviews::SetTestClock as ServerFn>::PATH, Need::Admin),
    (<risks::CreateRisk as ServerFn>::PATH, Need::Edit),
    (<risks::UpdateRisk as ServerFn>::PATH, Need::Edit),
    (<risks::SetRiskStatus as ServerFn>::PATH, Need::Edit),
    (<risks::DeleteRisk as ServerFn>::PATH, Need::Edit),
    (<roadmap::CreatePhase as ServerFn>::PATH, Need::Edit),
    (<roadmap::UpdatePhase as ServerFn>::PATH, Need::Edit),
    (<roadmap::DeletePhase as ServerFn>::PATH, Need::Edit),
    (<roadmap::MovePhase as ServerFn>::PATH, Need::Edit),
    (<roadmap::AssignItems as ServerFn>::PATH, Need::Edit),
    (<services::CreateService as ServerFn>::PATH, Need::Edit),
];

/// The rule for the server function at `path`, if there is one.
pub fn server_fn_need(path: &str) -> Option<Need> {
    SERVER_FN_NEEDS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, need)| *need)
}
