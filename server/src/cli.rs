//! Commands for operators and scripts: `server migrate`, `server user add`, `server
//! token add`, `server token revoke`. Four fixed shapes, so a few lines of matching read them;
//! a parser crate would cost more build time than it saves.

use app::data::{tokens, users};
use app::error::AppError;
use app::model::{Role, TokenScope};
use sqlx::PgPool;

pub const USAGE: &str = "usage:
  server                                    start the web server
  server migrate                            apply the database migrations, then exit
  server user add EMAIL --role viewer|editor|admin     (password on stdin)
  server token add EMAIL NAME --scope read|write [--expires-days N]
  server token revoke EMAIL NAME";

#[derive(Debug, PartialEq)]
pub enum Command {
    /// Run by main itself: it needs the migrator, not a prepared database.
    Migrate,
    AddUser {
        email: String,
        role: Role,
    },
    AddToken {
        email: String,
        name: String,
        scope: TokenScope,
        expires_days: Option<u32>,
    },
    RevokeToken {
        email: String,
        name: String,
    },
}

/// The command in `args` (without the program name), or what is wrong with them.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let option = |rest: &[&str], name: &str| -> Result<Option<String>, String> {
        match rest.iter().position(|w| *w == name) {
            Some(i) => rest
                .get(i + 1)
                .map(|v| Some((*v).to_string()))
                .ok_or_else(|| format!("{name} needs a value")),
            None => Ok(None),
        }
    };
    let known = |rest: &[&str], allowed: &[&str]| -> Result<(), String> {
        let mut i = 0;
        while i < rest.len() {
            if !allowed.contains(&rest[i]) {
                return Err(format!("unexpected {:?}", rest[i]));
            }
            i += 2;
        }
        Ok(())
    };
    match words.as_slice() {
        ["migrate"] => Ok(Command::Migrate),
        ["user", "add", email, rest @ ..] => {
            known(rest, &["--role"])?;
            let role = option(rest, "--role")?.ok_or("--role is required")?;
            Ok(Command::AddUser {
                email: (*email).to_string(),
                role: role.parse()?,
            })
        }
        ["token", "add", email, name, rest @ ..] => {
            known(rest, &["--scope", "--expires-days"])?;
            let scope = option(rest, "--scope")?.ok_or("--scope is required")?;
            let expires_days = option(rest, "--expires-days")?
                .map(|d| {
                    d.parse::<u32>()
                        .map_err(|_| format!("--expires-days: {d:?} is not a whole number"))
                })
                .transpose()?;
            Ok(Command::AddToken {
                email: (*email).to_string(),
                name: (*name).to_string(),
                scope: scope.parse()?,
                expires_days,
            })
        }
        ["token", "revoke", email, name] => Ok(Command::RevokeToken {
            email: (*email).to_string(),
            name: (*name).to_string(),
        }),
        _ => Err("unknown command".to_string()),
    }
}

async fn owner(pool: &PgPool, email: &str) -> Result<users::Account, AppError> {
    let email =
        app::domain::access::normalize_email(email).map_err(|m| AppError::invalid("email", m))?;
    users::find_by_email(pool, &email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("user {email}")))
}

/// Runs the command; what it prints last on stdout is its result.
pub async fn run(pool: &PgPool, command: Command) -> Result<String, AppError> {
    match command {
        Command::Migrate => Ok(crate::db::migrate(pool).await?),
        Command::AddUser { email, role } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|e| AppError::internal("reading the password", e))?;
            let password = password.trim_end_matches(['\r', '\n']);
            let id = crate::accounts::create(pool, &email, role, password, "cli").await?;
            Ok(format!("created user {id} ({email}, {role})"))
        }
        Command::AddToken {
            email,
            name,
            scope,
            expires_days,
        } => {
            let user = owner(pool, &email).await?;
            let name = app::server_fns::accounts::check_token_name(&name)?;
            let days = app::server_fns::accounts::check_expiry_days(expires_days)?;
            let created =
                app::server_fns::accounts::issue_token(pool, user.id, &name, scope, days, "cli")
                    .await?;
            Ok(created.secret)
        }
        Command::RevokeToken { email, name } => {
            let user = owner(pool, &email).await?;
            tokens::revoke(pool, user.id, &name, "cli").await?;
            Ok(format!("revoked token {name:?} of {}", user.email))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn commands_parse() {
        assert_eq!(parse(&args("migrate")), Ok(Command::Migrate));
        assert_eq!(
            parse(&args("user add a@b.c --role editor")),
            Ok(Command::AddUser {
                email: "a@b.c".into(),
                role: Role::Editor
            })
        );
        assert_eq!(
            parse(&args("token add a@b.c ci --scope write --expires-days 30")),
            Ok(Command::AddToken {
                email: "a@b.c".into(),
                name: "ci".into(),
                scope: TokenScope::Write,
                expires_days: Some(30)
            })
        );
        assert_eq!(
            parse(&args("token revoke a@b.c ci")),
            Ok(Command::RevokeToken {
                email: "a@b.c".into(),
                name: "ci".into()
            })
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert!(
            parse(&args("user add a@b.c"))
                .unwrap_err()
                .contains("--role")
        );
        assert!(
            parse(&args("user add a@b.c --role boss"))
                .unwrap_err()
                .contains("role")
        );
        assert!(
            parse(&args("token add a@b.c ci --scope write --expires-days x"))
                .unwrap_err()
                .contains("expires")
        );
        assert!(
            parse(&args("token add a@b.c ci --scope write --colour red"))
                .unwrap_err()
                .contains("colour")
        );
        assert!(parse(&args("frobnicate")).is_err());
    }
}
