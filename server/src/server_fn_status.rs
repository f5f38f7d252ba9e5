//! server_fn answers every server-function error with 500 (its `error_response`). The
//! error inside says what went wrong, so this sets the status it means: 422 for invalid
//! input, 404, 409, 401, 403, 429, and 400 for arguments that do not decode. Logs and
//! metrics then tell a user's mistake from ours; the page reads the same error body.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use leptos::server_fn::error::ServerFnErrorErr;

/// The header server_fn puts on its error responses.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// Error bodies are small; a larger one is passed on untouched.
const LARGEST_ERROR: usize = 256 * 1024;

pub fn status_of(err: &AppError) -> StatusCode {
    let code = match err {
        AppError::ServerFn(
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_),
        ) => 400,
        other => other.status_code(),
    };
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, LARGEST_ERROR).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_of(&err);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_their_meaning() {
        assert_eq!(
            status_of(&AppError::invalid("name", "is required")),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(&AppError::NotFound("x".into())),
            StatusCode::NOT_FOUND
        );
        let bad_args = AppError::ServerFn(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(status_of(&bad_args), StatusCode::BAD_REQUEST);
        assert_eq!(
            status_of(&AppError::Internal),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
