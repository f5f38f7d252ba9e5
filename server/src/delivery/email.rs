//! Sending one email over SMTP (lettre). The URL says how: `smtp://host:port` in the
//! clear (a local relay, the test sink), `smtp://…?tls=required` for STARTTLS,
//! `smtps://` for TLS from the start; credentials go in the URL's user part.

use app::data::outbox::Claimed;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str, timeout: Duration) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("PREFLIGHT_SMTP_URL is not a usable SMTP address: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("PREFLIGHT_MAIL_FROM={from:?} is not an address: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, claimed: &Claimed) -> Result<(), String> {
        let to: Mailbox = claimed
            .recipient
            .parse()
            .map_err(|e| format!("the recipient address is unusable: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&claimed.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(claimed.body.clone())
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("the SMTP server refused or was unreachable: {e}"))
    }
}
