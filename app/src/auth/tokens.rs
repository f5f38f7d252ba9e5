//! API token secrets: made from the OS's random generator, stored only as SHA-256.

use crate::domain::access::{TOKEN_SHOWN_CHARS, token_text};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new token: the text to show once, and what to store.
pub struct Minted {
    pub text: String,
    pub prefix: String,
    pub hash: String,
}

pub fn mint() -> Minted {
    let mut random = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut random);
    let text = token_text(&random);
    Minted {
        prefix: text[..TOKEN_SHOWN_CHARS].to_string(),
        hash: hash(&text),
        text,
    }
}

/// Lower-case hex SHA-256 of the token text.
pub fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_differ_and_hash_to_what_is_stored() {
        let a = mint();
        let b = mint();
        assert_ne!(a.text, b.text);
        assert_eq!(hash(&a.text), a.hash);
        assert_eq!(a.hash.len(), 64);
        assert!(a.text.starts_with(&a.prefix));
        assert!(!a.hash.contains(&a.text[3..]));
    }
}
