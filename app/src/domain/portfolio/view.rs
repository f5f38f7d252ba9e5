//! The portfolio's sort and filters, as kept in the URL so a view can be shared:
//! `/?sort=readiness&dir=desc&team=Payments%20Platform&gate=blocked`. Defaults
//! (by service name, ascending, no filter) are left out of the URL; unknown values
//! are ignored, so an old link still opens.

use super::PortfolioRow;
use crate::domain::filter::encode_query;
use serde::{Deserialize, Serialize};

/// The columns the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortKey {
    #[default]
    Service,
    Team,
    Readiness,
    Weighted,
    Gate,
    Phase,
    RisksInherent,
    RisksResidual,
    CostNow,
    CostAtCompletion,
}

impl SortKey {
    pub const ALL: [SortKey; 10] = [
        SortKey::Service,
        SortKey::Team,
        SortKey::Readiness,
        SortKey::Weighted,
        SortKey::Gate,
        SortKey::Phase,
        SortKey::RisksInherent,
        SortKey::RisksResidual,
        SortKey::CostNow,
        SortKey::CostAtCompletion,
    ];

    /// The name in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Service => "service",
            SortKey::Team => "team",
            SortKey::Readiness => "readiness",
            SortKey::Weighted => "weighted",
            SortKey::Gate => "gate",
            SortKey::Phase => "phase",
            SortKey::RisksInherent => "risks",
            SortKey::RisksResidual => "residual",
            SortKey::CostNow => "cost",
            SortKey::CostAtCompletion => "completion",
        }
    }

    pub fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    fn flipped(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

/// Which launch gates to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GateFilter {
    Blocked,
    Clear,
}

impl GateFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            GateFilter::Blocked => "blocked",
            GateFilter::Clear => "clear",
        }
    }

    pub fn parse(s: &str) -> Option<GateFilter> {
        match s {
            "blocked" => Some(GateFilter::Blocked),
            "clear" => Some(GateFilter::Clear),
            _ => None,
        }
    }
}

/// Sort, filters and page of the portfolio table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortfolioView {
    pub sort: SortKey,
    pub dir: SortDir,
    /// Matched case-insensitively, ignoring surrounding spaces.
    pub team: Option<String>,
    pub gate: Option<GateFilter>,
    /// Page of the table, from 1; out-of-range pages show the last one.
    pub page: u32,
}

impl Default for PortfolioView {
    fn default() -> Self {
        PortfolioView {
            sort: SortKey::default(),
            dir: SortDir::default(),
            team: None,
            gate: None,
            page: 1,
        }
    }
}

impl PortfolioView {
    /// Reads the view from query parameters.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> PortfolioView {
        let value = |key: &str| {
            get(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        PortfolioView {
            sort: value("sort")
                .and_then(|s| SortKey::parse(&s))
                .unwrap_or_default(),
            dir: match value("dir").as_deref() {
                Some("desc") => SortDir::Desc,
                _ => SortDir::Asc,
            },
            team: value("team"),
            gate: value("gate").and_then(|g| GateFilter::parse(&g)),
            page: value("page")
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|&p| p >= 1)
                .unwrap_or(1),
        }
    }

    /// The query string (no `?`), defaults left out.
    pub fn to_query(&self) -> String {
        let sort = if self.sort == SortKey::default() {
            String::new()
        } else {
            self.sort.as_str().to_string()
        };
        let dir = match self.dir {
            SortDir::Asc => String::new(),
            SortDir::Desc => "desc".to_string(),
        };
        encode_query(&[
            ("sort", sort),
            ("dir", dir),
            ("team", self.team.clone().unwrap_or_default()),
            (
                "gate",
                self.gate
                    .map(|g| g.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "page",
                if self.page > 1 {
                    self.page.to_string()
                } else {
                    String::new()
                },
            ),
        ])
    }

    /// The portfolio page's URL for this view.
    pub fn href(&self) -> String {
        match self.to_query() {
            q if q.is_empty() => "/".to_string(),
            q => format!("/?{q}"),
        }
    }

    /// The view after clicking `key`'s header: the same column flips direction,
    /// another column sorts ascending. Filters stay.
    pub fn sorted_by(&self, key: SortKey) -> PortfolioView {
        PortfolioView {
            sort: key,
            dir: if self.sort == key {
                self.dir.flipped()
            } else {
                SortDir::Asc
            },
            page: 1,
            ..self.clone()
        }
    }

    /// The same view on another page of the table.
    pub fn on_page(&self, page: u32) -> PortfolioView {
        PortfolioView {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// The same sort without filters.
    pub fn unfiltered(&self) -> PortfolioView {
        PortfolioView {
            team: None,
            gate: None,
            page: 1,
            ..self.clone()
        }
    }

    pub fn is_filtered(&self) -> bool {
        self.team.is_some() || self.gate.is_some()
    }

    /// The `aria-sort` of `key`'s header: only the sorted column has one.
    pub fn aria_sort(&self, key: SortKey) -> Option<&'static str> {
        (self.sort == key).then_some(match self.dir {
            SortDir::Asc => "ascending",
            SortDir::Desc => "descending",
        })
    }

    pub fn matches(&self, row: &PortfolioRow) -> bool {
        self.team
            .as_deref()
            .is_none_or(|t| row.team.trim().eq_ignore_ascii_case(t.trim()))
            && self.gate.is_none_or(|g| match g {
                GateFilter::Blocked => !row.is_clear(),
                GateFilter::Clear => row.is_clear(),
            })
    }
}
