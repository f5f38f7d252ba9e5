//! Sending one webhook delivery, signed so the receiver can check it came from us
//! and was not replayed: `X-Preflight-Signature: sha256=<hex>` is HMAC-SHA256 with the
//! webhook's secret over `"{timestamp}.{body}"`, the timestamp being
//! `X-Preflight-Timestamp` (Unix seconds). Slack ignores the headers.

use app::data::outbox::Claimed;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "x-preflight-signature";
pub const TIMESTAMP_HEADER: &str = "x-preflight-timestamp";
pub const DELIVERY_HEADER: &str = "x-preflight-delivery";
pub const EVENT_HEADER: &str = "x-preflight-event";

/// `sha256=<hex>` of HMAC-SHA256(secret, "{timestamp}.{body}").
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC accepts a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// The prefix an answered-but-refused attempt's error starts with, so the log can
/// keep the status apart.
const STATUS_PREFIX: &str = "the receiver answered HTTP ";

/// The status code inside an error made by [`send`], if the receiver answered.
pub fn status_of(error: &str) -> Option<i32> {
    error.strip_prefix(STATUS_PREFIX)?.get(..3)?.parse().ok()
}

/// POSTs the delivery; a 2xx answer is success (its status is returned).
pub async fn send(http: &reqwest::Client, claimed: &Claimed) -> Result<Option<i32>, String> {
    let secret = claimed.secret.as_deref().ok_or("the webhook was deleted")?;
    let timestamp = chrono::Utc::now().timestamp();
    let response = http
        .post(&claimed.recipient)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(
            SIGNATURE_HEADER,
            signature(secret, timestamp, &claimed.body),
        )
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(DELIVERY_HEADER, claimed.id.to_string())
        .header(EVENT_HEADER, &claimed.kind)
        .body(claimed.body.clone())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(Some(i32::from(status.as_u16())))
    } else {
        Err(format!("{STATUS_PREFIX}{}", status.as_u16()))
    }
}

/// A transport error in a few words, without reqwest's nesting.
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer in time".into()
    } else if error.is_connect() {
        "could not connect to the receiver".into()
    } else {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_and_body() {
        // RFC 4231 does not cover this framing; the value was computed with
        // `printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret`.
        assert_eq!(
            signature("secret", 1_700_000_000, r#"{"a":1}"#),
            "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
    }

    #[test]
    fn a_refusal_keeps_its_status() {
        assert_eq!(status_of("the receiver answered HTTP 503"), Some(503));
        assert_eq!(status_of("no answer in time"), None);
    }
}
